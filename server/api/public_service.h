// loket.v1.PublicService: applicants' self-service without a token (issue 10): book a Spontan
// visit confirmed by a phone code, manage it, follow a case by its tracking code, see one's place
// in the queue. Every call is limited per client address (PublicThrottle). Reads go through the
// repositories as the office's 'public' principal with an officer's view, and this class decides
// what of it leaves: masked names, never NIK or phone. Thread-safe (stateless but the throttle and
// the shared ticket listings).
#ifndef LOKET_SERVER_API_PUBLIC_SERVICE_H_
#define LOKET_SERVER_API_PUBLIC_SERVICE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "common/clock.h"
#include "loket/v1/public.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/metrics.h"
#include "server/api/polled_stream.h"
#include "server/api/public_throttle.h"
#include "server/api/shared_reads.h"
#include "server/api/unary_pool.h"
#include "server/store/appointment_repository.h"
#include "server/store/case_repository.h"
#include "server/store/catalog_repository.h"
#include "server/store/public_repository.h"
#include "server/store/queue_repository.h"
#include "server/store/siber_repository.h"

namespace loket::api {

struct PublicServiceDeps {
  store::PublicRepository& repo;
  store::AppointmentRepository& appointments;
  store::CaseRepository& cases;
  store::CatalogRepository& catalog;
  store::SiberRepository& siber;
  store::QueueRepository& queue;
  const Authorizer& auth;  // for the client address
  PublicThrottle& throttle;
  const Clock& clock;
  StreamPool& streams;  // runs WatchQueuePosition's looks at the database
};

// Callback API: WatchQueuePosition a stream (polled_stream.h), the unary methods on the UnaryPool.
class PublicServiceImpl final : public v1::PublicService::CallbackService, public PooledUnaryCalls {
 public:
  explicit PublicServiceImpl(PublicServiceDeps deps) : d_(deps) {}

  LOKET_POOLED_UNARY(GetPublicOffice, v1::GetPublicOfficeRequest, v1::PublicOffice);
  LOKET_POOLED_UNARY(ListOpenDays, v1::ListOpenDaysRequest, v1::ListOpenDaysResponse);
  LOKET_POOLED_UNARY(BookVisit, v1::BookVisitRequest, v1::BookVisitResponse);
  LOKET_POOLED_UNARY(ConfirmVisit, v1::ConfirmVisitRequest, v1::PublicVisit);
  LOKET_POOLED_UNARY(ResendCode, v1::ResendCodeRequest, v1::BookVisitResponse);
  LOKET_POOLED_UNARY(GetVisit, v1::VisitKey, v1::PublicVisit);
  LOKET_POOLED_UNARY(CancelVisit, v1::CancelVisitRequest, v1::PublicVisit);
  LOKET_POOLED_UNARY(MoveVisit, v1::MoveVisitRequest, v1::PublicVisit);
  LOKET_POOLED_UNARY(TrackCase, v1::TrackCaseRequest, v1::PublicCaseStatus);
  LOKET_POOLED_UNARY(GetQueuePosition, v1::QueuePositionRequest, v1::QueuePosition);
  grpc::ServerWriteReactor<v1::QueuePosition>* WatchQueuePosition(
      grpc::CallbackServerContext* ctx, const v1::QueuePositionRequest* req) override;

 private:
  // RESOURCE_EXHAUSTED (counted in /metrics) when the caller's address is over its limit.
  absl::Status Admit(const grpc::ServerContextBase& ctx, const char* method,
                     domain::PublicCallKind kind);
  absl::StatusOr<v1::PublicVisit> VisitOf(const std::string& office_id, int64_t request_id);
  absl::StatusOr<v1::QueuePosition> PositionOf(const v1::QueuePositionRequest& req);
  // A day's tickets of an office (`day` empty: today), shared by every applicant following a place
  // in that queue: N phones looking every 2 s cost one listing per change of the queue (and at
  // least every few seconds) and a one-row query each, instead of N listings.
  using Listing = std::shared_ptr<const std::vector<store::TicketRecord>>;
  absl::StatusOr<Listing> SharedListing(const std::string& office_id,
                                        std::optional<absl::CivilDay> day);
  // The request named by `key` (booking or visit code and the phone's last four digits).
  absl::StatusOr<std::pair<domain::Principal, int64_t>> Resolve(const v1::VisitKey& key);

  PublicServiceDeps d_;
  // By "office/day" (day empty: today). While the queue does not move only the estimated waits
  // change, with time alone, and they are shown in minutes: a listing serves for 5 s.
  SharedReads<Listing> listings_{std::chrono::seconds(5)};
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_PUBLIC_SERVICE_H_
