#include "workers/notify/file_channel.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "workers/notify/json_text.h"

namespace loket::notify {
namespace {

absl::Status IoError(std::string_view what, const std::string& path, int error) {
  return absl::UnavailableError(
      absl::StrFormat("file channel: %s %s: %s", what, path, std::strerror(error)));
}

// Writes all of `data` to a new file at `path` and syncs it, so that the link made afterwards
// never exposes a partly written file, not even after a crash.
absl::Status WriteNewFile(const std::string& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("create", path, errno);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return IoError("write", path, error);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    return IoError("fsync", path, error);
  }
  if (::close(fd) != 0) return IoError("close", path, errno);
  return absl::OkStatus();
}

}  // namespace

FileChannel::FileChannel(std::string dir, const Clock* clock)
    : dir_(std::move(dir)), clock_(clock) {}

absl::StatusOr<DeliveryReceipt> FileChannel::Send(const OutgoingMessage& m) {
  if (m.notification_id <= 0) {
    return absl::InvalidArgumentError("notification_id: must be positive");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return IoError("create directory", dir_, ec.value());

  const std::string path = absl::StrFormat("%s/%d.json", dir_, m.notification_id);
  DeliveryReceipt receipt{path, "already written"};
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return receipt;

  const std::string json = absl::StrFormat(
      "{\n  \"id\": %d,\n  \"address\": %s,\n  \"name\": %s,\n  \"subject\": %s,\n"
      "  \"body\": %s,\n  \"urgent\": %s,\n  \"written_at\": %s\n}\n",
      m.notification_id, JsonQuote(m.address), JsonQuote(m.recipient_name), JsonQuote(m.subject),
      JsonQuote(m.body), m.urgent ? "true" : "false",
      JsonQuote(absl::FormatTime(absl::RFC3339_full, clock_->Now(), absl::UTCTimeZone())));
  // A name no other writer uses (other threads, other notifier processes on the same directory),
  // starting with a dot so tools that list *.json never see it.
  static std::atomic<uint64_t> counter{0};
  const std::string temp = absl::StrFormat("%s/.%d.json.%d.%d.tmp", dir_, m.notification_id,
                                           ::getpid(), counter.fetch_add(1));
  if (absl::Status s = WriteNewFile(temp, json); !s.ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  // link(2), unlike rename(2), refuses to replace an existing file: of two concurrent Sends of one
  // message exactly one gets the name, and the other has found a repeat.
  const int linked = ::link(temp.c_str(), path.c_str());
  const int link_error = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_error == EEXIST) return receipt;
  if (linked != 0) return IoError("link", path, link_error);
  // The new directory entry survives a crash only once the directory itself is synced.
  SyncDirectory();
  receipt.detail = "written";
  return receipt;
}

void FileChannel::SyncDirectory() {
  sync_mu_.Lock();
  // Every link made before this point is covered by any sync that starts after it.
  const uint64_t mine = ++sync_requested_;
  while (sync_done_ < mine) {
    if (syncing_) {
      // Someone else's sync is running; it may have begun before our link: wait, then look again.
      sync_mu_.Await(absl::Condition(
          +[](FileChannel* c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(c->sync_mu_) { return !c->syncing_; },
          this));
      continue;
    }
    syncing_ = true;
    const uint64_t covers = sync_requested_;
    sync_mu_.Unlock();
    if (const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    sync_mu_.Lock();
    sync_done_ = covers;
    syncing_ = false;
  }
  sync_mu_.Unlock();
}

}  // namespace loket::notify
