// loket.v1.CourierService (SIBER: couriers' routes and confirmations, the office's view, courier
// administration) and the route.plan planning queue. Thread-safe (stateless but for references).
#ifndef LOKET_SERVER_API_COURIER_SERVICE_H_
#define LOKET_SERVER_API_COURIER_SERVICE_H_

#include "loket/v1/courier.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/task_service.h"
#include "server/api/unary_pool.h"
#include "server/store/siber_repository.h"

namespace loket::api {

class CourierServiceImpl final : public v1::CourierService::CallbackService,
                                 public PooledUnaryCalls {
 public:
  CourierServiceImpl(store::SiberRepository& siber, const Authorizer& auth)
      : siber_(siber), auth_(auth) {}

  LOKET_POOLED_UNARY(GetRoute, v1::GetRouteRequest, v1::GetRouteResponse);
  LOKET_POOLED_UNARY(ArriveAtStop, v1::ArriveAtStopRequest, v1::Stop);
  LOKET_POOLED_UNARY(ConfirmStop, v1::ConfirmStopRequest, v1::Stop);
  LOKET_POOLED_UNARY(FailStop, v1::FailStopRequest, v1::Stop);
  LOKET_POOLED_UNARY(CancelStop, v1::CancelStopRequest, v1::Stop);
  LOKET_POOLED_UNARY(ListStops, v1::ListStopsRequest, v1::ListStopsResponse);
  LOKET_POOLED_UNARY(PlanDay, v1::PlanDayRequest, v1::DayPlan);
  LOKET_POOLED_UNARY(GetCustody, v1::GetCustodyRequest, v1::GetCustodyResponse);
  LOKET_POOLED_UNARY(CreateCourier, v1::CreateCourierRequest, v1::Courier);
  LOKET_POOLED_UNARY(SetShift, v1::SetShiftRequest, v1::Courier);
  LOKET_POOLED_UNARY(ListCouriers, v1::ListCouriersRequest, v1::ListCouriersResponse);

 private:
  store::SiberRepository& siber_;
  const Authorizer& auth_;
};

// route.plan: the day's stops and couriers attached at lease; the routes applied on completion.
class RoutePlanQueue final : public PlanningQueue {
 public:
  explicit RoutePlanQueue(store::SiberRepository& siber) : siber_(siber) {}
  absl::Status AttachInput(const domain::Principal& worker, v1::Task& task) override;
  absl::Status ApplyResult(const domain::Principal& worker,
                           const v1::CompleteTaskRequest& req) override;

 private:
  store::SiberRepository& siber_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_COURIER_SERVICE_H_
