// loket.v1.CourierService (SIBER: couriers' routes and confirmations, the office's view, courier
// administration) and the route.plan planning queue. Thread-safe (stateless but for references).
#ifndef LOKET_SERVER_API_COURIER_SERVICE_H_
#define LOKET_SERVER_API_COURIER_SERVICE_H_

#include "loket/v1/courier.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/task_service.h"
#include "server/store/siber_repository.h"

namespace loket::api {

class CourierServiceImpl final : public v1::CourierService::Service {
 public:
  CourierServiceImpl(store::SiberRepository& siber, const Authorizer& auth)
      : siber_(siber), auth_(auth) {}

  grpc::Status GetRoute(grpc::ServerContext* ctx, const v1::GetRouteRequest* req,
                        v1::GetRouteResponse* resp) override;
  grpc::Status ArriveAtStop(grpc::ServerContext* ctx, const v1::ArriveAtStopRequest* req,
                            v1::Stop* resp) override;
  grpc::Status ConfirmStop(grpc::ServerContext* ctx, const v1::ConfirmStopRequest* req,
                           v1::Stop* resp) override;
  grpc::Status FailStop(grpc::ServerContext* ctx, const v1::FailStopRequest* req,
                        v1::Stop* resp) override;
  grpc::Status CancelStop(grpc::ServerContext* ctx, const v1::CancelStopRequest* req,
                          v1::Stop* resp) override;
  grpc::Status ListStops(grpc::ServerContext* ctx, const v1::ListStopsRequest* req,
                         v1::ListStopsResponse* resp) override;
  grpc::Status PlanDay(grpc::ServerContext* ctx, const v1::PlanDayRequest* req,
                       v1::DayPlan* resp) override;
  grpc::Status GetCustody(grpc::ServerContext* ctx, const v1::GetCustodyRequest* req,
                          v1::GetCustodyResponse* resp) override;
  grpc::Status CreateCourier(grpc::ServerContext* ctx, const v1::CreateCourierRequest* req,
                             v1::Courier* resp) override;
  grpc::Status SetShift(grpc::ServerContext* ctx, const v1::SetShiftRequest* req,
                        v1::Courier* resp) override;
  grpc::Status ListCouriers(grpc::ServerContext* ctx, const v1::ListCouriersRequest* req,
                            v1::ListCouriersResponse* resp) override;

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
