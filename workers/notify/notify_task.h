// The notifier's proto adapter: one notify.send task (a NotifySend payload) in, its message
// rendered and sent by its channel, the NotifyResult out. main.cc only wires it to the TaskLoop.
#ifndef LOKET_WORKERS_NOTIFY_NOTIFY_TASK_H_
#define LOKET_WORKERS_NOTIFY_NOTIFY_TASK_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "loket/v1/task.pb.h"
#include "workers/notify/channel.h"

namespace loket::notify {

// Renders and sends one notify.send task. Permanent problems (a payload that is not a NotifySend,
// an unknown channel or template, a bad address, a gateway that refuses the message) are
// INVALID_ARGUMENT and fail the task at once; outages come back as the channel's error and are
// retried by loketd.
absl::Status HandleNotify(const std::map<std::string, std::unique_ptr<Channel>>& channels,
                          const v1::Task& task, v1::CompleteTaskRequest* done);

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_NOTIFY_TASK_H_
