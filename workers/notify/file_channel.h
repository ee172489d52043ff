// Delivers messages as files, for development and demonstrations: `<dir>/<notification_id>.json`
// holding id, address, name, subject, body, urgent and written_at. A file appears whole or not at
// all (written to a temporary name, synced, then linked into place), and a message whose file
// exists already is a repeat: Send succeeds without rewriting it, which gives the same
// exactly-once effect as the gateway's dedupe.
//
// Send is safe from several threads (and processes) at once: of two concurrent Sends of one
// message, exactly one writes the file. Concurrent Sends share the directory's fsync (one sync
// covers every file linked before it began), so a notifier sending many messages at once pays for
// one directory sync per group rather than one per message.
#ifndef LOKET_WORKERS_NOTIFY_FILE_CHANNEL_H_
#define LOKET_WORKERS_NOTIFY_FILE_CHANNEL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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
  // Returns once the directory has been synced after this call began (a group commit).
  void SyncDirectory();

  const std::string dir_;
  const Clock* const clock_;
  absl::Mutex sync_mu_;
  uint64_t sync_requested_ ABSL_GUARDED_BY(sync_mu_) = 0;
  uint64_t sync_done_ ABSL_GUARDED_BY(sync_mu_) = 0;
  bool syncing_ ABSL_GUARDED_BY(sync_mu_) = false;
};

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_FILE_CHANNEL_H_
