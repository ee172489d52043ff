// loket.v1.AppointmentService (Spontan: appointment requests, the office calendar) and the
// slots.allocate planning queue. Thread-safe (stateless but for references).
#ifndef LOKET_SERVER_API_APPOINTMENT_SERVICE_H_
#define LOKET_SERVER_API_APPOINTMENT_SERVICE_H_

#include "loket/v1/appointment.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/task_service.h"
#include "server/api/unary_pool.h"
#include "server/store/appointment_repository.h"

namespace loket::api {

class AppointmentServiceImpl final : public v1::AppointmentService::CallbackService,
                                     public PooledUnaryCalls {
 public:
  AppointmentServiceImpl(store::AppointmentRepository& repo, const Authorizer& auth)
      : repo_(repo), auth_(auth) {}

  LOKET_POOLED_UNARY(CreateAppointmentRequest, v1::CreateAppointmentRequestRequest,
                     v1::AppointmentRequest);
  LOKET_POOLED_UNARY(GetAppointmentRequest, v1::GetAppointmentRequestRequest,
                     v1::AppointmentRequest);
  LOKET_POOLED_UNARY(ListAppointmentRequests, v1::ListAppointmentRequestsRequest,
                     v1::ListAppointmentRequestsResponse);
  LOKET_POOLED_UNARY(CancelAppointmentRequest, v1::CancelAppointmentRequestRequest,
                     v1::AppointmentRequest);
  LOKET_POOLED_UNARY(RescheduleAppointmentRequest, v1::RescheduleAppointmentRequestRequest,
                     v1::AppointmentRequest);
  LOKET_POOLED_UNARY(ReleaseNoShows, v1::ReleaseNoShowsRequest, v1::ReleaseNoShowsResponse);
  LOKET_POOLED_UNARY(ListSlots, v1::ListSlotsRequest, v1::ListSlotsResponse);
  LOKET_POOLED_UNARY(GetOfficeHours, v1::GetOfficeHoursRequest, v1::GetOfficeHoursResponse);
  LOKET_POOLED_UNARY(SetOfficeHours, v1::SetOfficeHoursRequest, v1::SetOfficeHoursResponse);
  LOKET_POOLED_UNARY(GenerateSlots, v1::GenerateSlotsRequest, v1::GenerateSlotsResponse);
  LOKET_POOLED_UNARY(CloseCounter, v1::CloseCounterRequest, v1::ClosureResponse);
  LOKET_POOLED_UNARY(CloseDay, v1::CloseDayRequest, v1::ClosureResponse);

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
