// loket.v1.AppointmentService (Spontan: appointment requests, the office calendar) and the
// slots.allocate planning queue. Thread-safe (stateless but for references).
#ifndef LOKET_SERVER_API_APPOINTMENT_SERVICE_H_
#define LOKET_SERVER_API_APPOINTMENT_SERVICE_H_

#include "loket/v1/appointment.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/task_service.h"
#include "server/store/appointment_repository.h"

namespace loket::api {

class AppointmentServiceImpl final : public v1::AppointmentService::Service {
 public:
  AppointmentServiceImpl(store::AppointmentRepository& repo, const Authorizer& auth)
      : repo_(repo), auth_(auth) {}

  grpc::Status CreateAppointmentRequest(grpc::ServerContext* ctx,
                                        const v1::CreateAppointmentRequestRequest* req,
                                        v1::AppointmentRequest* resp) override;
  grpc::Status GetAppointmentRequest(grpc::ServerContext* ctx,
                                     const v1::GetAppointmentRequestRequest* req,
                                     v1::AppointmentRequest* resp) override;
  grpc::Status ListAppointmentRequests(grpc::ServerContext* ctx,
                                       const v1::ListAppointmentRequestsRequest* req,
                                       v1::ListAppointmentRequestsResponse* resp) override;
  grpc::Status CancelAppointmentRequest(grpc::ServerContext* ctx,
                                        const v1::CancelAppointmentRequestRequest* req,
                                        v1::AppointmentRequest* resp) override;
  grpc::Status RescheduleAppointmentRequest(grpc::ServerContext* ctx,
                                            const v1::RescheduleAppointmentRequestRequest* req,
                                            v1::AppointmentRequest* resp) override;
  grpc::Status ReleaseNoShows(grpc::ServerContext* ctx, const v1::ReleaseNoShowsRequest* req,
                              v1::ReleaseNoShowsResponse* resp) override;
  grpc::Status ListSlots(grpc::ServerContext* ctx, const v1::ListSlotsRequest* req,
                         v1::ListSlotsResponse* resp) override;
  grpc::Status SetOfficeHours(grpc::ServerContext* ctx, const v1::SetOfficeHoursRequest* req,
                              v1::SetOfficeHoursResponse* resp) override;
  grpc::Status GenerateSlots(grpc::ServerContext* ctx, const v1::GenerateSlotsRequest* req,
                             v1::GenerateSlotsResponse* resp) override;
  grpc::Status CloseCounter(grpc::ServerContext* ctx, const v1::CloseCounterRequest* req,
                            v1::ClosureResponse* resp) override;
  grpc::Status CloseDay(grpc::ServerContext* ctx, const v1::CloseDayRequest* req,
                        v1::ClosureResponse* resp) override;

 private:
  store::AppointmentRepository& repo_;
  const Authorizer& auth_;
};

// slots.allocate: attaches SlotsAllocateInput at lease, applies CompleteTaskRequest.allocation.
class SlotsAllocateQueue final : public PlanningQueue {
 public:
  explicit SlotsAllocateQueue(store::AppointmentRepository& repo) : repo_(repo) {}
  absl::Status AttachInput(const domain::Principal& worker, v1::Task& task) override;
  absl::Status ApplyResult(const domain::Principal& worker,
                           const v1::CompleteTaskRequest& req) override;

 private:
  store::AppointmentRepository& repo_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_APPOINTMENT_SERVICE_H_
