#include "server/api/catalog_service.h"

#include "server/api/convert.h"

namespace loket::api {

grpc::Status CatalogServiceImpl::DoListPermitTypes(grpc::ServerContextBase* ctx,
                                                   const v1::ListPermitTypesRequest* req,
                                                   v1::ListPermitTypesResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CatalogService.ListPermitTypes");
  auto types = catalog_.ListPermitTypes(p.office_id);
  if (!types.ok()) return ToGrpcStatus(types.status());
  auto etags = catalog_.PermitTypeEtags(p.office_id);
  if (!etags.ok()) return ToGrpcStatus(etags.status());
  for (const auto& t : *types) {
    v1::PermitType* out = resp->add_permit_types();
    *out = ToProto(t);
    if (auto it = etags->find(t.code); it != etags->end()) out->set_etag(it->second);
  }
  return grpc::Status::OK;
}

grpc::Status CatalogServiceImpl::DoListHolidays(grpc::ServerContextBase* ctx,
                                                const v1::ListHolidaysRequest* req,
                                                v1::ListHolidaysResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CatalogService.ListHolidays");
  if (req->year() != 0 && (req->year() < 2000 || req->year() > 2100)) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "year: 0 (every year) or 2000..2100");
  }
  auto holidays = catalog_.ListHolidays(p.office_id, req->year());
  if (!holidays.ok()) return ToGrpcStatus(holidays.status());
  for (const auto& h : *holidays) {
    v1::Holiday* out = resp->add_holidays();
    out->set_date(absl::FormatCivilTime(h.day));
    out->set_name(h.name);
  }
  return grpc::Status::OK;
}

}  // namespace loket::api
