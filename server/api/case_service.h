// loket.v1.CaseService: decode, authorise, call the store, encode. Thread-safe (stateless).
#ifndef LOKET_SERVER_API_CASE_SERVICE_H_
#define LOKET_SERVER_API_CASE_SERVICE_H_

#include "absl/time/time.h"
#include "loket/v1/case.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/polled_stream.h"
#include "server/api/public_throttle.h"
#include "server/api/unary_pool.h"
#include "server/store/case_repository.h"

namespace loket::api {

// Callback API: WatchCase a stream (polled_stream.h), the unary methods run on the UnaryPool.
class CaseServiceImpl final : public v1::CaseService::CallbackService, public PooledUnaryCalls {
 public:
  // `streams` runs WatchCase's looks at the database.
  CaseServiceImpl(store::CaseRepository& cases, const Authorizer& auth, StreamPool& streams,
                  absl::Duration watch_poll = absl::Milliseconds(250))
      : cases_(cases), auth_(auth), streams_(streams), watch_poll_(watch_poll) {}
  // Limits VerifyPermit per client address (guessing a permit's code); none when unset.
  void SetPublicThrottle(PublicThrottle* throttle) { public_throttle_ = throttle; }
  // The public verification page (--permit_verify_url): GetCase gives an issued permit's address.
  void SetPermitVerifyUrl(std::string url) { permit_verify_url_ = std::move(url); }

  LOKET_POOLED_UNARY(SubmitApplication, v1::SubmitApplicationRequest, v1::Case);
  LOKET_POOLED_UNARY(GetCase, v1::GetCaseRequest, v1::Case);
  LOKET_POOLED_UNARY(ListCases, v1::ListCasesRequest, v1::ListCasesResponse);
  LOKET_POOLED_UNARY(SearchCases, v1::SearchCasesRequest, v1::SearchCasesResponse);
  LOKET_POOLED_UNARY(AttachDocument, v1::AttachDocumentRequest, v1::Case);
  LOKET_POOLED_UNARY(SubmitDraft, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(StartVerification, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(RequestRevision, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(SubmitRevision, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(Approve, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(Reject, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(Issue, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(Withdraw, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(MarkCollected, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(MarkDelivered, v1::TransitionRequest, v1::Case);
  LOKET_POOLED_UNARY(GetDocument, v1::GetDocumentRequest, v1::DocumentContent);
  LOKET_POOLED_UNARY(GetCaseHistory, v1::GetCaseHistoryRequest, v1::GetCaseHistoryResponse);
  grpc::ServerWriteReactor<v1::CaseEvent>* WatchCase(grpc::CallbackServerContext* ctx,
                                                     const v1::WatchCaseRequest* req) override;
  LOKET_POOLED_UNARY(VerifyPermit, v1::VerifyPermitRequest, v1::VerifyPermitResponse);
  LOKET_POOLED_UNARY(RevokePermit, v1::RevokePermitRequest, v1::Case);
  LOKET_POOLED_UNARY(GetPermitDocument, v1::GetPermitDocumentRequest, v1::PermitDocument);

 private:
  grpc::Status DoTransition(grpc::ServerContextBase* ctx, const char* method, domain::Transition t,
                            const v1::TransitionRequest* req, v1::Case* resp);

  store::CaseRepository& cases_;
  const Authorizer& auth_;
  StreamPool& streams_;
  absl::Duration watch_poll_;
  PublicThrottle* public_throttle_ = nullptr;
  std::string permit_verify_url_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_CASE_SERVICE_H_
