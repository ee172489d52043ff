// ReportService (issue 13, "Reports"): the office's monthly figures for management. Decode the
// month, authorise (admin, officer, approver; always the caller's own office), read the store,
// encode. Thread-safe (holds only references).
#ifndef LOKET_SERVER_API_REPORT_SERVICE_H_
#define LOKET_SERVER_API_REPORT_SERVICE_H_

#include "loket/v1/report.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/unary_pool.h"
#include "server/store/report_repository.h"

namespace loket::api {

class ReportServiceImpl final : public v1::ReportService::CallbackService, public PooledUnaryCalls {
 public:
  ReportServiceImpl(store::ReportRepository& reports, const Authorizer& auth)
      : reports_(reports), auth_(auth) {}

  LOKET_POOLED_UNARY(GetMonthlyReport, v1::GetMonthlyReportRequest, v1::MonthlyReport);

 private:
  store::ReportRepository& reports_;
  const Authorizer& auth_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_REPORT_SERVICE_H_
