// The case commands: `loket clinic ...` for clinic staff, `loket office ...` for officers,
// approvers and counters, and the public `loket verify-permit`. Both groups call the same
// CaseService; the server decides what each role may do and see.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "clients/cli/command.h"
#include "clients/cli/enum_names.h"
#include "clients/cli/output.h"
#include "common/sha256.h"
#include "loket/v1/case.grpc.pb.h"
#include "loket/v1/catalog.grpc.pb.h"

namespace loket::cli {
namespace {

using CaseStub = v1::CaseService::Stub;
using TransitionRpc = grpc::Status (CaseStub::*)(grpc::ClientContext*, const v1::TransitionRequest&,
                                                 v1::Case*);

// Flags every state change accepts.
constexpr absl::string_view kTransitionFlags = "[--etag E] [--request-id UUID]";
constexpr absl::string_view kSubmitUsage =
    "--permit-type CODE --nik NIK --name NAME --phone PHONE [--email E] [--str-number S] "
    "[--str-valid-until YYYY-MM-DD] [--practice-place PLACE] [--priority "
    "NONE|ELDERLY|DISABILITY|HEALTH_WORKER] "
    "[--needs WHEELCHAIR,SIGN_LANGUAGE,SEATED_SERVICE] [--channel ONLINE|COUNTER|APPOINTMENT] "
    "[--language id|en] [--pickup-day YYYY-MM-DD] [--pickup-after HH:MM] [--pickup-before HH:MM] "
    "[--draft] [--request-id UUID]";
constexpr absl::string_view kListUsage =
    "[--state S] [--channel C] [--permit-type T] [--clinic ID] [--overdue] [--page-size N] "
    "[--page-token T] [--all]";

std::unique_ptr<CaseStub> Stub(const Invocation& in) {
  return v1::CaseService::NewStub(in.session().channel());
}

int Submit(const Invocation& in) {
  const Args& a = in.args();
  v1::SubmitApplicationRequest req;
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  req.set_request_id(*request_id);
  req.set_permit_type(absl::AsciiStrToUpper(a.Get("permit-type")));
  req.set_practice_place(a.Get("practice-place"));
  req.set_str_number(a.Get("str-number"));
  req.set_str_valid_until(a.Get("str-valid-until"));  // empty: an STR valid for life
  req.set_draft(a.Has("draft"));
  // SIBER: when the courier may come for the originals (clinic submissions).
  req.mutable_pickup()->set_day(a.Get("pickup-day"));
  req.mutable_pickup()->set_after(a.Get("pickup-after"));
  req.mutable_pickup()->set_before(a.Get("pickup-before"));
  v1::Applicant* applicant = req.mutable_applicant();
  applicant->set_nik(a.Get("nik"));
  applicant->set_name(a.Get("name"));
  applicant->set_phone(a.Get("phone"));
  applicant->set_email(a.Get("email"));
  applicant->set_language(a.Get("language"));
  if (a.Has("priority")) {
    v1::PriorityClass priority;
    if (absl::Status s = Parse("priority", a.Get("priority"), &priority); !s.ok()) {
      return in.UsageError(s.message());
    }
    applicant->set_priority_class(priority);
  }
  for (absl::string_view word : absl::StrSplit(a.Get("needs"), ',', absl::SkipWhitespace())) {
    v1::AccessibilityNeed need;
    if (absl::Status s = Parse("needs", absl::StripAsciiWhitespace(word), &need); !s.ok()) {
      return in.UsageError(s.message());
    }
    applicant->add_accessibility_needs(need);
  }
  if (a.Has("channel")) {
    v1::Channel channel;
    if (absl::Status s = Parse("channel", a.Get("channel"), &channel); !s.ok()) {
      return in.UsageError(s.message());
    }
    req.set_channel(channel);
  }
  v1::Case reply;
  auto stub = Stub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->SubmitApplication(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatCase(reply));
}

// Case pages printed one line per case (`line`), following every page with `all_pages`; under
// --json the pages merge into one Response so the output stays a single JSON document. `call`
// makes one paged request; the more-pages hint goes to stderr so stdout stays a line per case.
template <typename Response, typename Request, typename Call, typename Line>
int PrintCasePages(const Invocation& in, Request req, bool all_pages, const char* none, Call call,
                   Line line) {
  Response merged;
  int printed = 0;
  while (true) {
    Response page;
    grpc::Status status =
        in.session().Call([&](grpc::ClientContext& ctx) { return call(ctx, req, &page); });
    if (!status.ok()) return in.ServerError(status);
    for (const v1::Case& c : page.cases()) {
      if (in.json()) {
        *merged.add_cases() = c;
      } else {
        std::cout << line(c);
        ++printed;
      }
    }
    if (!all_pages || page.next_page_token().empty()) {
      merged.set_next_page_token(page.next_page_token());
      break;
    }
    req.set_page_token(page.next_page_token());
  }
  if (in.json()) return in.Reply(merged, "");
  if (printed == 0) std::cout << none << "\n";
  if (!merged.next_page_token().empty()) {
    std::cerr << "(more cases: add --all, or --page-token " << merged.next_page_token() << ")\n";
  }
  return kExitOk;
}

// `list` and `overdue`: one page, or every page with --all. Under --json the pages are merged
// into one ListCasesResponse so the output stays a single JSON document.
int ListCases(const Invocation& in, bool overdue_only) {
  const Args& a = in.args();
  v1::ListCasesRequest req;
  if (a.Has("state")) {
    v1::CaseState state;
    if (absl::Status s = Parse("state", a.Get("state"), &state); !s.ok()) {
      return in.UsageError(s.message());
    }
    req.set_state(state);
  }
  if (a.Has("channel")) {
    v1::Channel channel;
    if (absl::Status s = Parse("channel", a.Get("channel"), &channel); !s.ok()) {
      return in.UsageError(s.message());
    }
    req.set_channel(channel);
  }
  if (a.Has("page-size")) {
    absl::StatusOr<int64_t> n = ParsePositive("--page-size", a.Get("page-size"));
    if (!n.ok()) return in.UsageError(n.status().message());
    req.set_page_size(static_cast<int32_t>(std::min<int64_t>(*n, INT32_MAX)));
  }
  req.set_permit_type(absl::AsciiStrToUpper(a.Get("permit-type")));
  req.set_clinic_id(a.Get("clinic"));
  req.set_overdue_only(overdue_only || a.Has("overdue"));
  req.set_page_token(a.Get("page-token"));
  const bool all_pages = a.Has("all");

  auto stub = Stub(in);
  return PrintCasePages<v1::ListCasesResponse>(
      in, req, all_pages, "no cases",
      [&](grpc::ClientContext& ctx, const v1::ListCasesRequest& r, v1::ListCasesResponse* page) {
        return stub->ListCases(&ctx, r, page);
      },
      FormatCaseLine);
}

// `case search` (SearchCases): finding people. One line per case, newest first; --all follows
// every page, and under --json the pages merge into one SearchCasesResponse.
constexpr absl::string_view kSearchUsage =
    "[--nik NIK] [--name PART] [--phone PHONE] [--permit-number N] [--tracking-code CODE] "
    "[--clinic ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--page-size N] [--page-token T] [--all]";

int SearchCases(const Invocation& in) {
  const Args& a = in.args();
  v1::SearchCasesRequest req;
  req.set_nik(a.Get("nik"));
  req.set_name(a.Get("name"));
  req.set_phone(a.Get("phone"));
  req.set_permit_number(a.Get("permit-number"));
  req.set_tracking_code(a.Get("tracking-code"));
  req.set_clinic_id(a.Get("clinic"));
  req.set_submitted_from(a.Get("from"));
  req.set_submitted_to(a.Get("to"));
  req.set_page_token(a.Get("page-token"));
  if (a.Has("page-size")) {
    absl::StatusOr<int64_t> n = ParsePositive("--page-size", a.Get("page-size"));
    if (!n.ok()) return in.UsageError(n.status().message());
    req.set_page_size(static_cast<int32_t>(std::min<int64_t>(*n, INT32_MAX)));
  }
  const bool all_pages = a.Has("all");
  auto stub = Stub(in);
  return PrintCasePages<v1::SearchCasesResponse>(
      in, req, all_pages, "tidak ada kasus yang cocok (no matching cases)",
      [&](grpc::ClientContext& ctx, const v1::SearchCasesRequest& r,
          v1::SearchCasesResponse* page) { return stub->SearchCases(&ctx, r, page); },
      [](const v1::Case& c) {
        return absl::StrFormat("%-6d %-18s %-18s %-24s NIK %s  %s  %s\n", c.id(), Name(c.state()),
                               c.permit_type(), c.applicant().name(), c.applicant().nik(),
                               c.applicant().phone(),
                               c.permit_number().empty() ? c.tracking_code() : c.permit_number());
      });
}

// The mandatory documents of the case's permit type that it does not have yet, from the
// catalog: "Missing mandatory documents: STR (Surat Tanda Registrasi), ..." or that none is.
std::string MissingDocuments(const Invocation& in, const v1::Case& c) {
  auto catalog = v1::CatalogService::NewStub(in.session().channel());
  v1::ListPermitTypesResponse types;
  grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
    return catalog->ListPermitTypes(&ctx, v1::ListPermitTypesRequest(), &types);
  });
  if (!status.ok()) return "";  // the case is shown all the same
  std::vector<std::string> missing;
  for (const v1::PermitType& t : types.permit_types()) {
    if (t.code() != c.permit_type()) continue;
    for (const v1::RequiredDocument& d : t.required_documents()) {
      if (!d.mandatory()) continue;
      bool attached =
          std::any_of(c.documents().begin(), c.documents().end(),
                      [&](const v1::Document& have) { return have.code() == d.code(); });
      if (!attached) missing.push_back(absl::StrCat(d.code(), " (", d.name(), ")"));
    }
  }
  if (missing.empty()) return "Mandatory documents: all attached.\n";
  return absl::StrCat("Missing mandatory documents: ", absl::StrJoin(missing, ", "), "\n");
}

int ShowCase(const Invocation& in, bool with_history) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  auto stub = Stub(in);
  v1::GetCaseRequest req;
  req.set_case_id(*id);
  v1::Case c;
  grpc::Status status =
      in.session().Call([&](grpc::ClientContext& ctx) { return stub->GetCase(&ctx, req, &c); });
  if (!status.ok()) return in.ServerError(status);
  // --get reads the case alone (e.g. NUMBER=$(loket --get permit_number office show $CASE)).
  if (!with_history || in.args().Has("get")) return in.Reply(c, FormatCase(c));

  v1::GetCaseHistoryRequest hreq;
  hreq.set_case_id(*id);
  v1::GetCaseHistoryResponse history;
  status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetCaseHistory(&ctx, hreq, &history); });
  if (!status.ok()) return in.ServerError(status);
  if (in.json()) {
    // Two replies, one JSON document: {"case": Case, "events": [CaseEvent...]}.
    std::string out = absl::StrCat(R"({"case":)", ToJson(c), R"(,"events":[)");
    for (int i = 0; i < history.events_size(); ++i) {
      absl::StrAppend(&out, i == 0 ? "" : ",", ToJson(history.events(i)));
    }
    std::cout << out << "]}\n";
    return kExitOk;
  }
  std::cout << FormatCase(c) << MissingDocuments(in, c) << "History:\n";
  for (const v1::CaseEvent& e : history.events()) std::cout << "  " << FormatEvent(e);
  return kExitOk;
}

int History(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  auto stub = Stub(in);
  v1::GetCaseHistoryRequest req;
  req.set_case_id(*id);
  v1::GetCaseHistoryResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetCaseHistory(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const v1::CaseEvent& e : reply.events()) human += FormatEvent(e);
  return in.Reply(reply, human);
}

// Streams events until the server ends the watch (the case reached a final state). A dropped
// stream is resumed after the last event seen, with the same back-off as a unary call.
int Watch(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  v1::WatchCaseRequest req;
  req.set_case_id(*id);
  if (in.args().Has("after")) {
    int64_t after = 0;
    if (!absl::SimpleAtoi(in.args().Get("after"), &after) || after < 0) {
      return in.UsageError("--after must be an event id (0 or more)");
    }
    req.set_after_event_id(after);
  }
  auto stub = Stub(in);
  for (int retry = 0;;) {
    grpc::ClientContext ctx;
    in.session().Prepare(ctx, /*with_deadline=*/false);
    std::unique_ptr<grpc::ClientReader<v1::CaseEvent>> reader = stub->WatchCase(&ctx, req);
    v1::CaseEvent e;
    while (reader->Read(&e)) {
      std::cout << (in.json() ? ToJson(e) + "\n" : FormatEvent(e)) << std::flush;
      req.set_after_event_id(e.id());
      retry = 0;
    }
    grpc::Status status = reader->Finish();
    if (status.ok()) return kExitOk;
    if (!IsRetryable(status.error_code()) || retry == kMaxRetries) return in.ServerError(status);
    absl::SleepFor(Backoff(retry++));
  }
}

std::string GuessMediaType(absl::string_view path) {
  std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".pdf")) return "application/pdf";
  if (absl::EndsWith(lower, ".jpg") || absl::EndsWith(lower, ".jpeg")) return "image/jpeg";
  if (absl::EndsWith(lower, ".png")) return "image/png";
  return "";
}

int Attach(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  const std::string path = in.args().Get("file");
  std::string media_type = in.args().Get("media-type", GuessMediaType(path));
  if (media_type.empty()) {
    return in.UsageError(absl::StrCat("cannot tell the media type of ", path,
                                      " (.pdf, .jpg, .jpeg, .png); give --media-type"));
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  if (file) content << file.rdbuf();
  if (!file) return in.UsageError(absl::StrCat("cannot read ", path));

  v1::AttachDocumentRequest req;
  req.set_request_id(*request_id);
  req.set_case_id(*id);
  req.set_code(absl::AsciiStrToUpper(in.args().Get("code")));
  req.set_file_name(path.substr(path.find_last_of('/') + 1));  // npos + 1 == 0: no directory
  req.set_media_type(media_type);
  req.set_content(content.str());
  req.set_sha256_hex(Sha256Hex(req.content()));
  auto stub = Stub(in);
  v1::Case reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->AttachDocument(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatCase(reply));
}

int Transition(const Invocation& in, TransitionRpc rpc) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::TransitionRequest req;
  req.set_request_id(*request_id);
  req.set_case_id(*id);
  req.set_etag(in.args().Get("etag"));
  req.set_note(in.args().Get("note"));
  req.set_new_paper(in.args().Has("new-paper"));
  if (rpc == &CaseStub::MarkCollected) {
    v1::Collector* who = req.mutable_collector();
    who->set_name(in.args().Get("by"));
    who->set_id_document_type(in.args().Get("id-type"));
    who->set_id_document_number(in.args().Get("id-number"));
  }
  auto stub = Stub(in);
  v1::Case reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return ((*stub).*rpc)(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatCase(reply));
}

// The signed permit PDF of an issued case (issue 13), written to --out (default: its file name).
int DownloadPermit(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  v1::GetPermitDocumentRequest req;
  req.set_case_id(*id);
  auto stub = Stub(in);
  v1::PermitDocument reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetPermitDocument(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  if (Sha256Hex(reply.content()) != reply.sha256_hex()) {
    std::cerr << "loket: the permit arrived damaged (its SHA-256 differs); try again\n";
    return kExitFailed;
  }
  const std::string path = in.args().Get("out", reply.file_name());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reply.content().data(), static_cast<std::streamsize>(reply.content().size()));
  file.close();
  if (!file) return in.UsageError(absl::StrCat("--out: cannot write ", path));
  const size_t size = reply.content().size();
  reply.clear_content();  // the bytes went to the file, not to the terminal
  return in.Reply(reply, absl::StrCat("Izin ", reply.permit_number(), " disimpan ke ", path, " (",
                                      size, " byte, ditandatangani oleh ", reply.signer(),
                                      ")\nSHA-256 ", reply.sha256_hex(), "\n"));
}

int VerifyPermit(const Invocation& in) {
  v1::VerifyPermitRequest req;
  req.set_permit_number(in.args().Get("number"));
  req.set_verification_code(in.args().Get("code"));
  if (!in.args().Has("file") && (!in.args().Has("number") || !in.args().Has("code"))) {
    return in.UsageError("give --number and --code, or --file (a permit PDF)");
  }
  if (in.args().Has("file")) {  // a PDF someone holds: is it the document the office issued?
    const std::string path = in.args().Get("file");
    std::ifstream file(path, std::ios::binary);
    std::ostringstream content;
    if (file) content << file.rdbuf();
    if (!file) return in.UsageError(absl::StrCat("--file: cannot read ", path));
    req.set_document_sha256(Sha256Hex(content.str()));
  }
  auto stub = Stub(in);
  v1::VerifyPermitResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->VerifyPermit(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human = "NOT VALID\n";
  if (reply.valid()) {
    human = absl::StrCat("VALID: ", reply.permit_type(), ", holder ", reply.holder_name(),
                         ", issued ", reply.issued_on(), ", ", reply.office_name(), "\n");
    if (!reply.valid_until().empty())
      absl::StrAppend(&human, "Valid until ", reply.valid_until(), "\n");
  } else if (reply.status() == v1::PERMIT_STATUS_EXPIRED) {
    human = absl::StrCat("EXPIRED on ", reply.valid_until(), ": ", reply.permit_type(), ", holder ",
                         reply.holder_name(), ", issued ", reply.issued_on(), "\n");
  } else if (reply.status() == v1::PERMIT_STATUS_REVOKED) {
    human = absl::StrCat("REVOKED on ", reply.revoked_on(), ": ", reply.permit_type(), ", holder ",
                         reply.holder_name(), ", issued ", reply.issued_on(), "\n");
    if (!reply.revoke_reason().empty())
      absl::StrAppend(&human, "Reason: ", reply.revoke_reason(), "\n");
  }
  if (!req.document_sha256().empty()) {
    absl::StrAppend(&human, reply.document_matches()
                                ? "Document: the one the office issued (SHA-256 matches)\n"
                                : "Document: NOT the document the office issued\n");
  }
  in.Reply(reply, human);
  if (!req.document_sha256().empty() && !reply.document_matches()) return kExitFailed;
  return reply.valid() ? kExitOk : kExitFailed;
}

// An approver takes back an issued permit (ISSUED, DELIVERED or COLLECTED -> REVOKED).
int Revoke(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::RevokePermitRequest req;
  req.set_request_id(*request_id);
  req.set_case_id(*id);
  req.set_etag(in.args().Get("etag"));
  req.set_reason(in.args().Get("reason"));
  req.set_publish_reason(in.args().Has("publish-reason"));
  auto stub = Stub(in);
  v1::Case reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->RevokePermit(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatCase(reply));
}

Command TransitionCommand(std::string name, absl::string_view note, std::string help,
                          TransitionRpc rpc) {
  std::string usage = absl::StrCat("CASE ", note, note.empty() ? "" : " ", kTransitionFlags);
  return {std::move(name), std::move(usage), std::move(help),
          [rpc](const Invocation& in) { return Transition(in, rpc); }};
}

}  // namespace

std::vector<Command> CaseCommands() {
  auto list = [](const Invocation& in) { return ListCases(in, /*overdue_only=*/false); };
  auto show = [](const Invocation& in) { return ShowCase(in, /*with_history=*/false); };
  auto show_all = [](const Invocation& in) { return ShowCase(in, /*with_history=*/true); };
  constexpr absl::string_view kOptionalNote = "[--note TEXT]";
  constexpr absl::string_view kNote = "--note TEXT";
  return {
      {"clinic submit", std::string(kSubmitUsage), "file an application for a health worker",
       Submit},
      {"clinic list", std::string(kListUsage), "the clinic's cases", list},
      {"clinic search", std::string(kSearchUsage),
       "find the clinic's cases by NIK, name (any part), phone, permit number, ...", SearchCases},
      {"clinic show", "CASE", "one case with its documents", show},
      {"clinic attach", "CASE --code DOC --file PATH [--media-type T] [--request-id UUID]",
       "attach a document (PDF, JPEG or PNG, at most 5 MiB)", Attach},
      TransitionCommand("clinic revise", kOptionalNote, "send a case back after a revision",
                        &CaseStub::SubmitRevision),
      TransitionCommand("clinic withdraw", kOptionalNote, "withdraw a case", &CaseStub::Withdraw),
      TransitionCommand("clinic submit-draft", "", "submit a draft", &CaseStub::SubmitDraft),
      {"clinic history", "CASE", "who did what to a case, and when", History},
      {"clinic permit", "CASE [--out FILE]",
       "unduh izin yang sudah terbit (PDF bertanda tangan elektronik) / download the signed "
       "permit PDF",
       DownloadPermit},

      {"office submit", std::string(kSubmitUsage), "file an application for an applicant", Submit},
      {"office list", std::string(kListUsage), "cases, filtered", list},
      {"office overdue", "[--page-size N] [--page-token T] [--all]", "cases past their due date",
       [](const Invocation& in) { return ListCases(in, /*overdue_only=*/true); }},
      {"office show", "CASE", "one case with its documents and history", show_all},
      TransitionCommand("office verify", "", "start verification (SUBMITTED -> VERIFYING)",
                        &CaseStub::StartVerification),
      TransitionCommand("office request-revision", "--note TEXT [--new-paper]",
                        "ask the applicant for a revision (--new-paper: SIBER returns the "
                        "originals and fetches new ones)",
                        &CaseStub::RequestRevision),
      TransitionCommand("office approve", kOptionalNote, "approve (approver)", &CaseStub::Approve),
      TransitionCommand("office reject", kNote, "reject (approver)", &CaseStub::Reject),
      TransitionCommand("office issue", "", "issue the permit (APPROVED -> ISSUED)",
                        &CaseStub::Issue),
      TransitionCommand("office collected",
                        "--by NAME --id-type KTP|SIM|PASPOR|KITAS --id-number N",
                        "the permit was collected at the counter, by whom, on which identity "
                        "document",
                        &CaseStub::MarkCollected),
      TransitionCommand("office delivered", "", "the courier delivered the permit",
                        &CaseStub::MarkDelivered),
      TransitionCommand("office withdraw", kNote, "withdraw a case", &CaseStub::Withdraw),
      // Not only clinics keep drafts: `office submit --draft` makes them at the counter too.
      TransitionCommand("office submit-draft", "", "submit a draft", &CaseStub::SubmitDraft),
      {"office history", "CASE", "who did what to a case, and when", History},
      {"office watch", "CASE [--after EVENT_ID]", "print a case's events as they happen", Watch},
      {"office permit", "CASE [--out FILE]",
       "unduh izin yang sudah terbit (PDF bertanda tangan elektronik) / download the signed "
       "permit PDF",
       DownloadPermit},

      {"case search", std::string(kSearchUsage),
       "find cases by NIK, name (any part, accents and case ignored), phone, permit number, "
       "tracking code, clinic, submission dates",
       SearchCases},

      {"case revoke", "CASE --reason TEXT [--publish-reason] [--etag E] [--request-id UUID]",
       "revoke an issued permit (approver); --publish-reason shows the reason on the public "
       "verification (the date is always shown)",
       Revoke},

      {"verify-permit", "[--number NUMBER] [--code CODE] [--file PERMIT.pdf]",
       "check an issued permit (no token needed); --file: is this PDF the one the office issued",
       VerifyPermit},
  };
}

}  // namespace loket::cli
