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

// WatchCase is a callback-API stream (polled_stream.h); every other method is synchronous.
class CaseServiceImpl final
    : public v1::CaseService::WithCallbackMethod_WatchCase<
          v1::CaseService::WithCallbackMethod_SubmitApplication<v1::CaseService::Service>> {
 public:
  // `streams` runs WatchCase's looks at the database.
  CaseServiceImpl(store::CaseRepository& cases, const Authorizer& auth, StreamPool& streams,
                  absl::Duration watch_poll = absl::Milliseconds(250))
      : cases_(cases), auth_(auth), streams_(streams), watch_poll_(watch_poll) {}
  // Limits VerifyPermit per client address (guessing a permit's code); none when unset.
  void SetPublicThrottle(PublicThrottle* throttle) { public_throttle_ = throttle; }

  // Runs on `unary` (set before the server starts).
  void SetUnaryPool(UnaryPool* unary) { unary_ = unary; }

  grpc::ServerUnaryReactor* SubmitApplication(grpc::CallbackServerContext* ctx,
                                              const v1::SubmitApplicationRequest* req,
                                              v1::Case* resp) override;
  grpc::Status GetCase(grpc::ServerContext* ctx, const v1::GetCaseRequest* req,
                       v1::Case* resp) override;
  grpc::Status ListCases(grpc::ServerContext* ctx, const v1::ListCasesRequest* req,
                         v1::ListCasesResponse* resp) override;
  grpc::Status SearchCases(grpc::ServerContext* ctx, const v1::SearchCasesRequest* req,
                           v1::SearchCasesResponse* resp) override;
  grpc::Status AttachDocument(grpc::ServerContext* ctx, const v1::AttachDocumentRequest* req,
                              v1::Case* resp) override;
  grpc::Status SubmitDraft(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                           v1::Case* resp) override;
  grpc::Status StartVerification(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                                 v1::Case* resp) override;
  grpc::Status RequestRevision(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                               v1::Case* resp) override;
  grpc::Status SubmitRevision(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                              v1::Case* resp) override;
  grpc::Status Approve(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                       v1::Case* resp) override;
  grpc::Status Reject(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                      v1::Case* resp) override;
  grpc::Status Issue(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                     v1::Case* resp) override;
  grpc::Status Withdraw(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                        v1::Case* resp) override;
  grpc::Status MarkCollected(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                             v1::Case* resp) override;
  grpc::Status MarkDelivered(grpc::ServerContext* ctx, const v1::TransitionRequest* req,
                             v1::Case* resp) override;
  grpc::Status GetDocument(grpc::ServerContext* ctx, const v1::GetDocumentRequest* req,
                           v1::DocumentContent* resp) override;
  grpc::Status GetCaseHistory(grpc::ServerContext* ctx, const v1::GetCaseHistoryRequest* req,
                              v1::GetCaseHistoryResponse* resp) override;
  grpc::ServerWriteReactor<v1::CaseEvent>* WatchCase(grpc::CallbackServerContext* ctx,
                                                     const v1::WatchCaseRequest* req) override;
  grpc::Status VerifyPermit(grpc::ServerContext* ctx, const v1::VerifyPermitRequest* req,
                            v1::VerifyPermitResponse* resp) override;
  grpc::Status RevokePermit(grpc::ServerContext* ctx, const v1::RevokePermitRequest* req,
                            v1::Case* resp) override;
  grpc::Status GetPermitDocument(grpc::ServerContext* ctx, const v1::GetPermitDocumentRequest* req,
                                 v1::PermitDocument* resp) override;

 private:
  grpc::Status DoSubmitApplication(grpc::ServerContextBase* ctx,
                                   const v1::SubmitApplicationRequest* req, v1::Case* resp);
  grpc::Status DoTransition(grpc::ServerContext* ctx, const char* method, domain::Transition t,
                            const v1::TransitionRequest* req, v1::Case* resp);

  store::CaseRepository& cases_;
  const Authorizer& auth_;
  StreamPool& streams_;
  absl::Duration watch_poll_;
  PublicThrottle* public_throttle_ = nullptr;
  UnaryPool* unary_ = nullptr;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_CASE_SERVICE_H_
