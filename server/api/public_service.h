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

// WatchQueuePosition is a callback-API stream (polled_stream.h); every other method is synchronous.
class PublicServiceImpl final
    : public v1::PublicService::WithCallbackMethod_WatchQueuePosition<v1::PublicService::Service> {
 public:
  explicit PublicServiceImpl(PublicServiceDeps deps) : d_(deps) {}

  grpc::Status GetPublicOffice(grpc::ServerContext* ctx, const v1::GetPublicOfficeRequest* req,
                               v1::PublicOffice* resp) override;
  grpc::Status ListOpenDays(grpc::ServerContext* ctx, const v1::ListOpenDaysRequest* req,
                            v1::ListOpenDaysResponse* resp) override;
  grpc::Status BookVisit(grpc::ServerContext* ctx, const v1::BookVisitRequest* req,
                         v1::BookVisitResponse* resp) override;
  grpc::Status ConfirmVisit(grpc::ServerContext* ctx, const v1::ConfirmVisitRequest* req,
                            v1::PublicVisit* resp) override;
  grpc::Status ResendCode(grpc::ServerContext* ctx, const v1::ResendCodeRequest* req,
                          v1::BookVisitResponse* resp) override;
  grpc::Status GetVisit(grpc::ServerContext* ctx, const v1::VisitKey* req,
                        v1::PublicVisit* resp) override;
  grpc::Status CancelVisit(grpc::ServerContext* ctx, const v1::CancelVisitRequest* req,
                           v1::PublicVisit* resp) override;
  grpc::Status MoveVisit(grpc::ServerContext* ctx, const v1::MoveVisitRequest* req,
                         v1::PublicVisit* resp) override;
  grpc::Status TrackCase(grpc::ServerContext* ctx, const v1::TrackCaseRequest* req,
                         v1::PublicCaseStatus* resp) override;
  grpc::Status GetQueuePosition(grpc::ServerContext* ctx, const v1::QueuePositionRequest* req,
                                v1::QueuePosition* resp) override;
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
