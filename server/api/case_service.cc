#include "server/api/case_service.h"

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "server/api/convert.h"
#include "server/domain/case_rules.h"
#include "server/domain/case_search.h"
#include "server/domain/permit_number.h"
#include "server/domain/validation.h"

namespace loket::api {
namespace {

using domain::Transition;

store::CaseEncoder EncodeCase() {
  return [](const store::CaseView& v) { return ToProto(v).SerializeAsString(); };
}

grpc::Status CheckCaseId(int64_t id) {
  if (id <= 0) return grpc::Status(grpc::INVALID_ARGUMENT, "case_id: required (a positive number)");
  return grpc::Status::OK;
}

std::string PageToken(int64_t last_id) {
  return absl::WebSafeBase64Escape(absl::StrCat("after:", last_id));
}

// A page of `asked` cases from `list`, which the store read one longer than asked: the extra
// case only tells that a next page exists, starting after the page's last case.
template <typename Response>
void FillCasePage(const std::vector<store::CaseView>& list, int asked, Response* resp) {
  for (int i = 0; i < static_cast<int>(list.size()) && i < asked; ++i) {
    *resp->add_cases() = ToProto(list[i]);
  }
  if (static_cast<int>(list.size()) > asked) {
    resp->set_next_page_token(PageToken(list[asked - 1].c.id));
  }
}

std::optional<int64_t> ParsePageToken(const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.rfind("after:", 0) != 0) return std::nullopt;
  int64_t id;
  if (!absl::SimpleAtoi(raw.substr(6), &id) || id < 0) return std::nullopt;
  return id;
}

}  // namespace

grpc::Status CaseServiceImpl::DoSubmitApplication(grpc::ServerContextBase* ctx,
                                                  const v1::SubmitApplicationRequest* req,
                                                  v1::Case* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.SubmitApplication");
  absl::StatusOr<domain::Applicant> applicant = FromProto(req->applicant());
  if (!applicant.ok()) return ToGrpcStatus(applicant.status());
  store::NewApplication app;
  app.permit_type = req->permit_type();
  app.applicant = *std::move(applicant);
  if (req->channel() != v1::CHANNEL_UNSPECIFIED) {
    if (!v1::Channel_IsValid(req->channel())) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "channel: unknown value");
    }
    app.channel = static_cast<domain::Channel>(req->channel());
  }
  app.practice_place = req->practice_place();
  app.str_number = req->str_number();
  if (!req->str_valid_until().empty()) {
    absl::CivilDay day;
    if (req->str_valid_until().size() != 10 ||
        !absl::ParseCivilTime(req->str_valid_until(), &day)) {
      return grpc::Status(grpc::INVALID_ARGUMENT,
                          "str_valid_until: a date YYYY-MM-DD (masa berlaku STR)");
    }
    app.str_valid_until = day;
  }
  app.draft = req->draft();
  absl::StatusOr<domain::VisitPreference> pickup = FromProto(req->pickup());
  if (!pickup.ok()) return ToGrpcStatus(pickup.status());
  app.pickup = *pickup;
  return DecodeInto(
      cases_.Submit(MakeMutation(*ctx, req->request_id(), "CaseService.SubmitApplication", p),
                    std::move(app), EncodeCase()),
      resp);
}

grpc::Status CaseServiceImpl::DoGetCase(grpc::ServerContextBase* ctx, const v1::GetCaseRequest* req,
                                        v1::Case* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.GetCase");
  if (auto s = CheckCaseId(req->case_id()); !s.ok()) return s;
  absl::StatusOr<store::CaseView> v = cases_.Get(p, req->case_id());
  if (!v.ok()) return ToGrpcStatus(v.status());
  *resp = ToProto(*v);
  if (!v->c.permit_number.empty() && !permit_verify_url_.empty()) {
    resp->set_verify_url(domain::PermitVerifyAddress(permit_verify_url_, v->c));
  }
  return grpc::Status::OK;
}

grpc::Status CaseServiceImpl::DoListCases(grpc::ServerContextBase* ctx,
                                          const v1::ListCasesRequest* req,
                                          v1::ListCasesResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.ListCases");
  store::CaseFilter f;
  if (req->page_size() < 0 || req->page_size() > 500) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "page_size: 0 (default 50) to 500");
  }
  f.page_size = req->page_size() == 0 ? 50 : req->page_size();
  if (!req->page_token().empty()) {
    std::optional<int64_t> after = ParsePageToken(req->page_token());
    if (!after) return grpc::Status(grpc::INVALID_ARGUMENT, "page_token: not one this server gave");
    f.after_id = *after;
  }
  if (req->state() != v1::CASE_STATE_UNSPECIFIED) {
    if (!v1::CaseState_IsValid(req->state())) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "state: unknown value");
    }
    f.state = static_cast<domain::CaseState>(req->state());
  }
  if (req->channel() != v1::CHANNEL_UNSPECIFIED) {
    if (!v1::Channel_IsValid(req->channel())) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "channel: unknown value");
    }
    f.channel = static_cast<domain::Channel>(req->channel());
  }
  if (req->permit_type().size() > 32 || req->clinic_id().size() > 64) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "permit_type/clinic_id: too long");
  }
  f.permit_type = req->permit_type();
  f.clinic_id = req->clinic_id();
  f.overdue_only = req->overdue_only();
  // One more than asked tells whether there is a next page.
  int asked = f.page_size;
  f.page_size = asked + 1;
  absl::StatusOr<std::vector<store::CaseView>> list = cases_.List(p, f);
  if (!list.ok()) return ToGrpcStatus(list.status());
  FillCasePage(*list, asked, resp);
  return grpc::Status::OK;
}

grpc::Status CaseServiceImpl::DoSearchCases(grpc::ServerContextBase* ctx,
                                            const v1::SearchCasesRequest* req,
                                            v1::SearchCasesResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.SearchCases");
  if (req->page_size() < 0 || req->page_size() > 500) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "page_size: 0 (default 50) to 500");
  }
  store::CaseSearchFilter f;
  if (!req->page_token().empty()) {
    // Newest first: the token names the last case shown, the next page has smaller ids.
    std::optional<int64_t> before = ParsePageToken(req->page_token());
    if (!before || *before <= 0) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "page_token: not one this server gave");
    }
    f.before_id = *before;
  }
  domain::CaseSearchInput in{
      req->nik(),           req->name(),      req->phone(),          req->permit_number(),
      req->tracking_code(), req->clinic_id(), req->submitted_from(), req->submitted_to()};
  absl::StatusOr<domain::CaseSearch> criteria = domain::CheckCaseSearch(in);
  if (!criteria.ok()) return ToGrpcStatus(criteria.status());
  f.criteria = *std::move(criteria);
  // One more than asked tells whether there is a next page.
  int asked = req->page_size() == 0 ? 50 : req->page_size();
  f.page_size = asked + 1;
  absl::StatusOr<std::vector<store::CaseView>> list = cases_.Search(p, f);
  if (!list.ok()) return ToGrpcStatus(list.status());
  FillCasePage(*list, asked, resp);
  return grpc::Status::OK;
}

grpc::Status CaseServiceImpl::DoAttachDocument(grpc::ServerContextBase* ctx,
                                               const v1::AttachDocumentRequest* req,
                                               v1::Case* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.AttachDocument");
  if (auto s = CheckCaseId(req->case_id()); !s.ok()) return s;
  if (req->code().empty() || req->code().size() > 40) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "code: required, at most 40 characters");
  }
  absl::Status valid = domain::ValidateDocument(req->file_name(), req->media_type(), req->content(),
                                                req->sha256_hex());
  if (!valid.ok()) return ToGrpcStatus(valid);
  store::NewDocument doc{req->code(), req->file_name(), req->media_type(), req->content(),
                         req->sha256_hex()};
  return DecodeInto(
      cases_.AttachDocument(MakeMutation(*ctx, req->request_id(), "CaseService.AttachDocument", p),
                            req->case_id(), std::move(doc), EncodeCase()),
      resp);
}

grpc::Status CaseServiceImpl::DoTransition(grpc::ServerContextBase* ctx, const char* method,
                                           Transition t, const v1::TransitionRequest* req,
                                           v1::Case* resp) {
  LOKET_AUTHORIZE(p, ctx, method);
  if (auto s = CheckCaseId(req->case_id()); !s.ok()) return s;
  std::optional<int64_t> expected;
  if (!req->etag().empty()) {
    int64_t v;
    if (!absl::SimpleAtoi(req->etag(), &v)) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "etag: not one this server gave");
    }
    expected = v;
  }
  if (req->new_paper() && t != Transition::kRequestRevision) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "new_paper: only when requesting a revision");
  }
  if (req->has_collector() && t != Transition::kMarkCollected) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "collector: only when marking a permit collected");
  }
  domain::Collector collector{req->collector().name(), req->collector().id_document_type(),
                              req->collector().id_document_number()};
  return DecodeInto(
      cases_.Transition(MakeMutation(*ctx, req->request_id(), method, p), req->case_id(), expected,
                        t, req->note(), EncodeCase(), req->new_paper(),
                        req->has_collector() ? &collector : nullptr),
      resp);
}

grpc::Status CaseServiceImpl::DoSubmitDraft(grpc::ServerContextBase* ctx,
                                            const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.SubmitDraft", Transition::kSubmit, req, resp);
}
grpc::Status CaseServiceImpl::DoStartVerification(grpc::ServerContextBase* ctx,
                                                  const v1::TransitionRequest* req,
                                                  v1::Case* resp) {
  return DoTransition(ctx, "CaseService.StartVerification", Transition::kStartVerification, req,
                      resp);
}
grpc::Status CaseServiceImpl::DoRequestRevision(grpc::ServerContextBase* ctx,
                                                const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.RequestRevision", Transition::kRequestRevision, req, resp);
}
grpc::Status CaseServiceImpl::DoSubmitRevision(grpc::ServerContextBase* ctx,
                                               const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.SubmitRevision", Transition::kSubmitRevision, req, resp);
}
grpc::Status CaseServiceImpl::DoApprove(grpc::ServerContextBase* ctx,
                                        const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.Approve", Transition::kApprove, req, resp);
}
grpc::Status CaseServiceImpl::DoReject(grpc::ServerContextBase* ctx,
                                       const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.Reject", Transition::kReject, req, resp);
}
grpc::Status CaseServiceImpl::DoIssue(grpc::ServerContextBase* ctx,
                                      const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.Issue", Transition::kIssue, req, resp);
}
grpc::Status CaseServiceImpl::DoWithdraw(grpc::ServerContextBase* ctx,
                                         const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.Withdraw", Transition::kWithdraw, req, resp);
}
grpc::Status CaseServiceImpl::DoMarkCollected(grpc::ServerContextBase* ctx,
                                              const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.MarkCollected", Transition::kMarkCollected, req, resp);
}
grpc::Status CaseServiceImpl::DoMarkDelivered(grpc::ServerContextBase* ctx,
                                              const v1::TransitionRequest* req, v1::Case* resp) {
  return DoTransition(ctx, "CaseService.MarkDelivered", Transition::kMarkDelivered, req, resp);
}

grpc::Status CaseServiceImpl::DoGetDocument(grpc::ServerContextBase* ctx,
                                            const v1::GetDocumentRequest* req,
                                            v1::DocumentContent* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.GetDocument");
  if (auto s = CheckCaseId(req->case_id()); !s.ok()) return s;
  if (req->document_id() <= 0) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "document_id: a positive number");
  }
  auto doc = cases_.GetDocument(p, req->case_id(), req->document_id());
  if (!doc.ok()) return ToGrpcStatus(doc.status());
  *resp->mutable_document() = ToProto(doc->info);
  resp->set_content(std::move(doc->content));
  return grpc::Status::OK;
}

grpc::Status CaseServiceImpl::DoGetCaseHistory(grpc::ServerContextBase* ctx,
                                               const v1::GetCaseHistoryRequest* req,
                                               v1::GetCaseHistoryResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.GetCaseHistory");
  if (auto s = CheckCaseId(req->case_id()); !s.ok()) return s;
  absl::StatusOr<std::vector<store::CaseEventRecord>> events = cases_.History(p, req->case_id(), 0);
  if (!events.ok()) return ToGrpcStatus(events.status());
  for (const auto& e : *events) *resp->add_events() = ToProto(e);
  return grpc::Status::OK;
}

grpc::ServerWriteReactor<v1::CaseEvent>* CaseServiceImpl::WatchCase(
    grpc::CallbackServerContext* ctx, const v1::WatchCaseRequest* req) {
  using Step = StreamStep<v1::CaseEvent>;
  struct Watch {
    std::optional<domain::Principal> p;
    int64_t after;
  };
  auto w = std::make_shared<Watch>(Watch{std::nullopt, req->after_event_id()});
  const int64_t case_id = req->case_id();
  // Polling the append-only event log keeps replicas stateless: any replica can serve any watcher.
  return PolledStream<v1::CaseEvent>::Start(ctx, streams_, [this, ctx, w, case_id]() -> Step {
    // A revoked token, or a principal whose role or scope changed, ends the stream within the
    // token cache period, as a new call would be refused.
    const bool first = !w->p;
    if (absl::Status s = auth_.AuthorizeStream(*ctx, "CaseService.WatchCase", w->p); !s.ok()) {
      return Step::End(ToGrpcStatus(s));
    }
    if (first) {
      if (auto s = CheckCaseId(case_id); !s.ok()) return Step::End(s);
    }
    Step step;
    step.wait = watch_poll_;
    absl::StatusOr<std::vector<store::CaseEventRecord>> events =
        cases_.History(*w->p, case_id, w->after);
    if (!events.ok()) {
      if (!absl::IsUnavailable(events.status())) return Step::End(ToGrpcStatus(events.status()));
      step.wait = watch_poll_ * 4;  // the database comes back by itself; keep watching
      return step;
    }
    for (const auto& e : *events) {
      step.send.push_back(ToProto(e));
      w->after = e.id;
      if (e.to_state == domain::CaseState::kRejected ||
          e.to_state == domain::CaseState::kWithdrawn ||
          e.to_state == domain::CaseState::kCollected ||
          e.to_state == domain::CaseState::kDelivered ||
          e.to_state == domain::CaseState::kRevoked) {
        step.finish = grpc::Status::OK;  // nothing more will happen to this case
        break;
      }
    }
    return step;
  });
}

grpc::Status CaseServiceImpl::DoVerifyPermit(grpc::ServerContextBase* ctx,
                                             const v1::VerifyPermitRequest* req,
                                             v1::VerifyPermitResponse* resp) {
  if (public_throttle_ != nullptr) {
    absl::Status admitted =
        public_throttle_->AdmitCall(*ctx, "VerifyPermit", domain::PublicCallKind::kGuess);
    if (!admitted.ok()) return ToGrpcStatus(admitted);
  }
  // Issue 13: a document (its SHA-256) stands for the number and code printed on it.
  // As typed from paper: "0002/sip_perawat / dpmptsp-bpp/2026" is the permit's number.
  std::string number = domain::NormalizePermitNumber(req->permit_number());
  std::string code = req->verification_code();
  bool document_matches = false;
  if (!req->document_sha256().empty()) {
    std::string sha = absl::AsciiStrToLower(req->document_sha256());
    if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return grpc::Status(grpc::INVALID_ARGUMENT,
                          "document_sha256: the SHA-256 of the permit PDF, 64 hex digits");
    }
    absl::StatusOr<std::optional<store::PermitOfDocument>> of = cases_.PermitByDocument(sha);
    if (!of.ok()) return ToGrpcStatus(of.status());
    if (*of && (number.empty() || number == (*of)->permit_number)) {
      document_matches = true;
      number = (*of)->permit_number;
      code = (*of)->verification_code;
    } else if (number.empty()) {
      resp->set_valid(false);  // no permit was issued as this document
      return grpc::Status::OK;
    }
  }
  if (number.empty() || number.size() > 64) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "permit_number: required, at most 64 characters");
  }
  if (code.empty() || code.size() > 32) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        "verification_code: required, at most 32 characters");
  }
  absl::StatusOr<store::PermitVerification> v = cases_.VerifyPermit(number, code);
  if (!v.ok()) return ToGrpcStatus(v.status());
  resp->set_valid(v->valid);
  if (!v->permit_type_name.empty()) {
    absl::StatusOr<std::string> issued_sha = cases_.PermitDocumentSha(number);
    if (!issued_sha.ok()) return ToGrpcStatus(issued_sha.status());
    resp->set_document_sha256(*issued_sha);
    resp->set_document_matches(document_matches);
  }
  // A permit that matched (valid, expired or revoked) says what it is; a wrong pair says nothing.
  if (!v->permit_type_name.empty()) {
    resp->set_permit_type(v->permit_type_name);
    resp->set_holder_name(domain::MaskName(v->holder_name));
    if (v->issued_on) resp->set_issued_on(absl::FormatCivilTime(*v->issued_on));
    resp->set_office_name(v->office_name);
    resp->set_status(static_cast<v1::PermitStatus>(v->status));
    if (v->valid_until) resp->set_valid_until(absl::FormatCivilTime(*v->valid_until));
    if (v->status == domain::PermitStatus::kRevoked) {
      if (v->revoked_on) resp->set_revoked_on(absl::FormatCivilTime(*v->revoked_on));
      resp->set_revoke_reason(v->revoke_reason);  // empty unless the office published it
    }
  }
  return grpc::Status::OK;
}

grpc::Status CaseServiceImpl::DoGetPermitDocument(grpc::ServerContextBase* ctx,
                                                  const v1::GetPermitDocumentRequest* req,
                                                  v1::PermitDocument* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.GetPermitDocument");
  if (auto s = CheckCaseId(req->case_id()); !s.ok()) return s;
  absl::StatusOr<store::PermitDocumentRecord> d = cases_.GetPermitDocument(p, req->case_id());
  if (!d.ok()) return ToGrpcStatus(d.status());
  resp->set_case_id(d->case_id);
  resp->set_permit_number(d->permit_number);
  std::string name = "izin-" + d->permit_number;
  for (char& ch : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '-';
  }
  resp->set_file_name(name + ".pdf");
  resp->set_media_type("application/pdf");
  resp->set_sha256_hex(d->sha256_hex);
  resp->set_signer(d->signer);
  resp->set_created_at(FormatUtc(d->created_at));
  resp->set_content(std::move(d->content));
  return grpc::Status::OK;
}

grpc::Status CaseServiceImpl::DoRevokePermit(grpc::ServerContextBase* ctx,
                                             const v1::RevokePermitRequest* req, v1::Case* resp) {
  LOKET_AUTHORIZE(p, ctx, "CaseService.RevokePermit");
  if (auto s = CheckCaseId(req->case_id()); !s.ok()) return s;
  std::optional<int64_t> expected;
  if (!req->etag().empty()) {
    int64_t v;
    if (!absl::SimpleAtoi(req->etag(), &v)) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "etag: not one this server gave");
    }
    expected = v;
  }
  std::string reason(absl::StripAsciiWhitespace(req->reason()));
  if (reason.empty()) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        "reason: required; why the permit is revoked (alasan pencabutan wajib "
                        "diisi)");
  }
  if (reason.size() > 1000) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "reason: at most 1000 bytes");
  }
  return DecodeInto(
      cases_.Revoke(MakeMutation(*ctx, req->request_id(), "CaseService.RevokePermit", p),
                    req->case_id(), expected, std::move(reason), req->publish_reason(),
                    EncodeCase()),
      resp);
}

}  // namespace loket::api
