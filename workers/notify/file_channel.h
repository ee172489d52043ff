// Delivers messages as files, for development and demonstrations: `<dir>/<notification_id>.json`
// holding id, address, name, subject, body, urgent and written_at. A file appears whole or not at
// all (written to a temporary name, synced, then linked into place), and a message whose file
// exists already is a repeat: Send succeeds without rewriting it, which gives the same
// exactly-once effect as the gateway's dedupe.
//
// Holds only the directory and a Clock; Send is safe from several threads (and processes) at once:
// of two concurrent Sends of one message, exactly one writes the file.
#ifndef LOKET_WORKERS_NOTIFY_FILE_CHANNEL_H_
#define LOKET_WORKERS_NOTIFY_FILE_CHANNEL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "workers/notify/channel.h"

namespace loket::notify {

class FileChannel final : public Channel {
 public:
  // `dir` is created on the first Send if missing. `clock` (for written_at) must outlive this.
  explicit FileChannel(std::string dir, const Clock* clock = SystemClock::Get());

  std::string_view name() const override { return "file"; }

  // Returns a receipt whose provider_message_id is the file's path and whose detail is "written"
  // or "already written". Errors: INVALID_ARGUMENT for a notification_id that is not positive;
  // UNAVAILABLE when the file cannot be written (a full disk or a permission can be fixed, and
  // the task is retried).
  absl::StatusOr<DeliveryReceipt> Send(const OutgoingMessage& m) override;

 private:
  const std::string dir_;
  const Clock* const clock_;
};

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_FILE_CHANNEL_H_
