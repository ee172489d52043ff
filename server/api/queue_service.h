// loket.v1.QueueService: check-in at the door, counters calling tickets, and the display board's
// stream. Decode -> QueueRepository -> encode. Thread-safe (stateless but for the boards' shared
// snapshots).
#ifndef LOKET_SERVER_API_QUEUE_SERVICE_H_
#define LOKET_SERVER_API_QUEUE_SERVICE_H_

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "loket/v1/queue.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/polled_stream.h"
#include "server/api/shared_reads.h"
#include "server/api/unary_pool.h"
#include "server/store/queue_repository.h"

namespace loket::api {

// Callback API: WatchQueue a stream (polled_stream.h), the unary methods run on the UnaryPool.
class QueueServiceImpl final : public v1::QueueService::CallbackService, public PooledUnaryCalls {
 public:
  // `watch_poll`: how often WatchQueue looks for new events in the database (every replica reads
  // the same feed, so a board may watch through any of them).
  QueueServiceImpl(store::QueueRepository& queue, const Authorizer& auth, StreamPool& streams,
                   absl::Duration watch_poll = absl::Milliseconds(200))
      : queue_(queue), auth_(auth), streams_(streams), watch_poll_(watch_poll) {}

  LOKET_POOLED_UNARY(CheckIn, v1::CheckInRequest, v1::CheckInResponse);
  LOKET_POOLED_UNARY(RedirectVisit, v1::RedirectVisitRequest, v1::Visit);
  LOKET_POOLED_UNARY(CallNext, v1::CallNextRequest, v1::CallNextResponse);
  LOKET_POOLED_UNARY(Recall, v1::TicketActionRequest, v1::Ticket);
  LOKET_POOLED_UNARY(Skip, v1::TicketActionRequest, v1::Ticket);
  LOKET_POOLED_UNARY(MarkNoShow, v1::TicketActionRequest, v1::Ticket);
  LOKET_POOLED_UNARY(Transfer, v1::TransferTicketRequest, v1::Ticket);
  LOKET_POOLED_UNARY(Finish, v1::TicketActionRequest, v1::Ticket);
  LOKET_POOLED_UNARY(GetTicket, v1::GetTicketRequest, v1::Ticket);
  LOKET_POOLED_UNARY(ListTickets, v1::ListTicketsRequest, v1::ListTicketsResponse);
  LOKET_POOLED_UNARY(ListVisits, v1::ListVisitsRequest, v1::ListVisitsResponse);
  // An initial board, then every event of the office's queue in seq order (read from the
  // database's feed), the last of each batch with a fresh board.
  grpc::ServerWriteReactor<v1::QueueUpdate>* WatchQueue(grpc::CallbackServerContext* ctx,
                                                        const v1::WatchQueueRequest* req) override;

 private:
  grpc::Status Act(grpc::ServerContextBase* ctx, const v1::TicketActionRequest* req,
                   const char* method, store::TicketAction action, v1::Ticket* resp);

  // The latest board of each office, shared by the streams watching it (shared_reads.h): a walk-in
  // seen by N boards costs one snapshot (several queries) instead of N. A snapshot serves a board
  // that has read up to event `seq` if its own seq is as far and it is at most a second old. A new
  // board asks with the feed's seq, so its first screen has every change made before it opened
  // (`loket display --once` after a call).
  absl::StatusOr<v1::QueueBoard> SharedBoard(const std::string& office_id, int64_t seq);

  store::QueueRepository& queue_;
  const Authorizer& auth_;
  StreamPool& streams_;
  absl::Duration watch_poll_;
  SharedReads<v1::QueueBoard> boards_{std::chrono::seconds(1)};  // by office, not yet shaped
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_QUEUE_SERVICE_H_
