// Message templates of the notifier: the short texts (SMS/WhatsApp friendly, under about 300
// characters) and e-mail subjects that tell an applicant about a case, an appointment or a courier
// visit, in Bahasa Indonesia (the default) and English. Pure functions over constant tables; safe
// from any thread.
#ifndef LOKET_WORKERS_NOTIFY_TEMPLATES_H_
#define LOKET_WORKERS_NOTIFY_TEMPLATES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace loket::notify {

struct RenderedMessage {
  std::string subject;  // for e-mail; gateways ignore it
  std::string body;     // plain text, no markup
};

// Renders `template_id` (e.g. "case.submitted") in `language` ("id" or "en"; a region suffix such
// as "en-US" is ignored and anything else falls back to "id"), replacing each `{key}` by
// params[key]. Values are inserted verbatim (plain text: nothing is escaped and a value is never
// expanded again). Values of `date` and `*_date` that are ISO days (2026-03-17) are written out
// the way the language says dates ("17 Maret 2026", "17 March 2026"); other values stay as given.
// Extra params are ignored.
// Returns NotFoundError for an unknown template and InvalidArgumentError naming the missing params
// ("params.reason: missing for case.rejected").
absl::StatusOr<RenderedMessage> RenderTemplate(std::string_view template_id,
                                               std::string_view language,
                                               const std::map<std::string, std::string>& params);

// Every template id, in table order (for tests and for listing in tools).
std::vector<std::string> TemplateIds();

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_TEMPLATES_H_
