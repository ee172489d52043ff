#include "server/domain/case.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/permit_number.h"
#include "server/domain/principal.h"
#include "server/domain/sla.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using absl::CivilDay;
using ::testing::HasSubstr;

constexpr CaseState kAllStates[] = {
    CaseState::kDraft,     CaseState::kSubmitted,
    CaseState::kVerifying, CaseState::kRevisionRequested,
    CaseState::kApproved,  CaseState::kRejected,
    CaseState::kIssued,    CaseState::kDelivered,
    CaseState::kCollected, CaseState::kWithdrawn,
    CaseState::kRevoked,
};

constexpr Transition kAllTransitions[] = {
    Transition::kSubmit,          Transition::kStartVerification,
    Transition::kRequestRevision, Transition::kSubmitRevision,
    Transition::kApprove,         Transition::kReject,
    Transition::kIssue,           Transition::kWithdraw,
    Transition::kMarkCollected,   Transition::kMarkDelivered,
    Transition::kRevoke,
};

// Holidays from ../shared/data/balikpapan/holidays_2026.csv around Nyepi and Idul Fitri.
const WorkingCalendar& Calendar() {
  static const WorkingCalendar* cal = new WorkingCalendar(
      {CivilDay(2026, 3, 18), CivilDay(2026, 3, 19), CivilDay(2026, 3, 20), CivilDay(2026, 3, 21),
       CivilDay(2026, 3, 22), CivilDay(2026, 3, 23), CivilDay(2026, 3, 24)});
  return *cal;
}

const PermitType& SipPerawat() {
  static const PermitType* type = new PermitType{
      .code = "SIP_PERAWAT",
      .name = "Surat Izin Praktik Perawat",
      .fee_idr = 0,
      .service_level_days = 5,
      .health_worker = true,
      .required_documents =
          {
              {.code = "STR", .name = "Surat Tanda Registrasi", .mandatory = true},
              {.code = "SURAT_TEMPAT_PRAKTIK",
               .name = "Surat keterangan tempat praktik",
               .mandatory = true},
              {.code = "PAS_FOTO", .name = "Pas foto", .mandatory = false},
          },
  };
  return *type;
}

Case MakeCase(CaseState state) {
  Case c;
  c.id = 12;
  c.office_id = "bpp";
  c.permit_type = "SIP_PERAWAT";
  c.state = state;
  c.sla.service_level_days = 5;
  if (state != CaseState::kDraft) c.sla.started_on = CivilDay(2026, 3, 2);
  if (state == CaseState::kRevisionRequested) {
    c.sla.paused_since = CivilDay(2026, 3, 4);
    c.revision_reason = "STR tidak terbaca";
  }
  c.attached_document_codes = {"STR", "SURAT_TEMPAT_PRAKTIK"};
  return c;
}

TransitionInput Input(CivilDay today, std::string note = "") {
  TransitionInput in{};
  in.today = today;
  in.calendar = &Calendar();
  in.permit_type = &SipPerawat();
  in.note = std::move(note);
  static const Collector kCollector{"Siti Rahmawati", "KTP", "6471065708900001"};
  in.collector = &kCollector;
  return in;
}

// Case has no operator== (it is a plain record); compare every field a transition may touch.
void ExpectSameCase(const Case& a, const Case& b) {
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.sla.service_level_days, b.sla.service_level_days);
  EXPECT_EQ(a.sla.started_on, b.sla.started_on);
  EXPECT_EQ(a.sla.paused_working_days, b.sla.paused_working_days);
  EXPECT_EQ(a.sla.paused_since, b.sla.paused_since);
  EXPECT_EQ(a.revision_reason, b.revision_reason);
  EXPECT_EQ(a.decision_note, b.decision_note);
  EXPECT_EQ(a.permit_number, b.permit_number);
  EXPECT_EQ(a.verification_code, b.verification_code);
  EXPECT_EQ(a.issued_on, b.issued_on);
  EXPECT_EQ(a.attached_document_codes, b.attached_document_codes);
}

// --- Names -------------------------------------------------------------------------------------

TEST(CaseStateTest, NamesAreUpperSnakeCaseAndRoundTrip) {
  EXPECT_EQ(CaseStateName(CaseState::kRevisionRequested), "REVISION_REQUESTED");
  EXPECT_EQ(CaseStateName(CaseState::kDraft), "DRAFT");
  EXPECT_EQ(CaseStateName(CaseState::kWithdrawn), "WITHDRAWN");
  for (CaseState s : kAllStates) {
    EXPECT_EQ(CaseStateFromName(CaseStateName(s)), s) << CaseStateName(s);
  }
  EXPECT_EQ(CaseStateFromName("revision_requested"), std::nullopt);
  EXPECT_EQ(CaseStateFromName(""), std::nullopt);
  EXPECT_EQ(CaseStateFromName("UNKNOWN"), std::nullopt);
}

TEST(CaseStateTest, EnumNamesMatchTheDatabaseSpelling) {
  EXPECT_EQ(ChannelName(Channel::kClinic), "CLINIC");
  EXPECT_EQ(ChannelName(Channel::kAppointment), "APPOINTMENT");
  EXPECT_EQ(ChannelFromName("COUNTER"), Channel::kCounter);
  EXPECT_EQ(ChannelFromName("clinic"), std::nullopt);
  EXPECT_EQ(PriorityClassName(PriorityClass::kHealthWorker), "HEALTH_WORKER");
  EXPECT_EQ(PriorityClassFromName("ELDERLY"), PriorityClass::kElderly);
  EXPECT_EQ(PriorityClassFromName("NONE"), PriorityClass::kNone);
  EXPECT_EQ(AccessibilityNeedName(AccessibilityNeed::kSeatedService), "SEATED_SERVICE");
  EXPECT_EQ(AccessibilityNeedFromName("SIGN_LANGUAGE"), AccessibilityNeed::kSignLanguage);
  EXPECT_EQ(AccessibilityNeedFromName("BLIND"), std::nullopt);
  EXPECT_EQ(RoleName(Role::kApprover), "approver");
  EXPECT_EQ(RoleFromName("clinic"), Role::kClinic);
  EXPECT_EQ(RoleFromName("worker"), Role::kWorker);
  EXPECT_EQ(RoleFromName("Admin"), std::nullopt);
  EXPECT_EQ(TransitionName(Transition::kRequestRevision), "RequestRevision");
  EXPECT_EQ(TransitionName(Transition::kMarkDelivered), "MarkDelivered");
}

TEST(CaseStateTest, OutOfRangeEnumHasNoValidName) {
  // A value cast from a bad wire integer must not map back to a real state.
  const auto bogus = static_cast<CaseState>(99);
  EXPECT_EQ(CaseStateFromName(CaseStateName(bogus)), std::nullopt);
}

// --- Legal transitions -------------------------------------------------------------------------

TEST(CaseStateTest, SubmitStartsSlaClock) {
  Case c = MakeCase(CaseState::kDraft);
  ASSERT_THAT(ApplyTransition(c, Transition::kSubmit, Input(CivilDay(2026, 3, 17))), IsOk());
  EXPECT_EQ(c.state, CaseState::kSubmitted);
  EXPECT_EQ(c.sla.started_on, CivilDay(2026, 3, 17));
  const SlaStatus s = ComputeSla(c.sla, Calendar(), CivilDay(2026, 3, 17), SlaApplies(c.state));
  EXPECT_EQ(s.due, CivilDay(2026, 3, 31));  // five working days after Nyepi and Lebaran
}

TEST(CaseStateTest, SubmitKeepsAnEarlierStartDate) {
  Case c = MakeCase(CaseState::kDraft);
  c.sla.started_on = CivilDay(2026, 3, 2);
  ASSERT_THAT(ApplyTransition(c, Transition::kSubmit, Input(CivilDay(2026, 3, 17))), IsOk());
  EXPECT_EQ(c.sla.started_on, CivilDay(2026, 3, 2));
}

TEST(CaseStateTest, StartVerification) {
  Case c = MakeCase(CaseState::kSubmitted);
  ASSERT_THAT(ApplyTransition(c, Transition::kStartVerification, Input(CivilDay(2026, 3, 3))),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kVerifying);
}

TEST(CaseStateTest, RevisionPausesSlaClock) {
  Case c = MakeCase(CaseState::kVerifying);
  ASSERT_THAT(ApplyTransition(c, Transition::kRequestRevision,
                              Input(CivilDay(2026, 3, 4), "  STR sudah kedaluwarsa \n")),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kRevisionRequested);
  EXPECT_EQ(c.revision_reason, "STR sudah kedaluwarsa");
  EXPECT_EQ(c.sla.paused_since, CivilDay(2026, 3, 4));
  const SlaStatus s = ComputeSla(c.sla, Calendar(), CivilDay(2026, 3, 20), SlaApplies(c.state));
  EXPECT_TRUE(s.paused);
  EXPECT_FALSE(s.overdue);
}

TEST(CaseStateTest, SubmitRevisionResumesClockAndShiftsDueDate) {
  Case c = MakeCase(CaseState::kRevisionRequested);  // started 2 March, paused 4 March
  ASSERT_THAT(ApplyTransition(c, Transition::kSubmitRevision, Input(CivilDay(2026, 3, 6))), IsOk());
  EXPECT_EQ(c.state, CaseState::kVerifying);
  EXPECT_FALSE(c.sla.paused_since.has_value());
  EXPECT_EQ(c.sla.paused_working_days, 2);
  const SlaStatus s = ComputeSla(c.sla, Calendar(), CivilDay(2026, 3, 6), SlaApplies(c.state));
  EXPECT_EQ(s.due, CivilDay(2026, 3, 11));  // 9 March plus the two paused days
}

TEST(CaseStateTest, RequestRevisionNeedsAReason) {
  for (const char* note : {"", "   ", "\n\t"}) {
    Case c = MakeCase(CaseState::kVerifying);
    const absl::Status s =
        ApplyTransition(c, Transition::kRequestRevision, Input(CivilDay(2026, 3, 4), note));
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(s.message(), "note: required");
    EXPECT_EQ(c.state, CaseState::kVerifying);
  }
}

TEST(CaseStateTest, RequestRevisionRejectsOverlongReason) {
  Case c = MakeCase(CaseState::kVerifying);
  const absl::Status s = ApplyTransition(c, Transition::kRequestRevision,
                                         Input(CivilDay(2026, 3, 4), std::string(1001, 'x')));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(s.message(), "note: 1001 bytes is over the 1000-byte limit");
  Case ok = MakeCase(CaseState::kVerifying);
  EXPECT_THAT(ApplyTransition(ok, Transition::kRequestRevision,
                              Input(CivilDay(2026, 3, 4), std::string(1000, 'x'))),
              IsOk());
}

TEST(CaseStateTest, ApproveWithMandatoryDocumentsOnFile) {
  Case c = MakeCase(CaseState::kVerifying);  // PAS_FOTO (optional) is missing
  ASSERT_THAT(ApplyTransition(c, Transition::kApprove, Input(CivilDay(2026, 3, 5), " Lengkap ")),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kApproved);
  EXPECT_EQ(c.decision_note, "Lengkap");
}

TEST(CaseStateTest, ApproveWithoutNote) {
  Case c = MakeCase(CaseState::kVerifying);
  ASSERT_THAT(ApplyTransition(c, Transition::kApprove, Input(CivilDay(2026, 3, 5))), IsOk());
  EXPECT_EQ(c.state, CaseState::kApproved);
  EXPECT_EQ(c.decision_note, "");
}

TEST(CaseStateTest, ApproveListsMissingMandatoryDocuments) {
  Case c = MakeCase(CaseState::kVerifying);
  c.attached_document_codes = {"PAS_FOTO"};
  const Case before = c;
  const absl::Status s =
      ApplyTransition(c, Transition::kApprove, Input(CivilDay(2026, 3, 5), "ok"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(s.message(), "missing mandatory documents: STR, SURAT_TEMPAT_PRAKTIK");
  ExpectSameCase(c, before);

  c.attached_document_codes = {"STR"};
  EXPECT_EQ(ApplyTransition(c, Transition::kApprove, Input(CivilDay(2026, 3, 5))).message(),
            "missing mandatory documents: SURAT_TEMPAT_PRAKTIK");
}

TEST(CaseStateTest, ApproveNeedsThePermitTypeOfTheCase) {
  Case c = MakeCase(CaseState::kVerifying);
  TransitionInput in = Input(CivilDay(2026, 3, 5));
  in.permit_type = nullptr;
  EXPECT_THAT(ApplyTransition(c, Transition::kApprove, in), StatusIs(absl::StatusCode::kInternal));

  PermitType other = SipPerawat();
  other.code = "SIP_BIDAN";
  in.permit_type = &other;
  EXPECT_THAT(ApplyTransition(c, Transition::kApprove, in), StatusIs(absl::StatusCode::kInternal));
  EXPECT_EQ(c.state, CaseState::kVerifying);
}

TEST(CaseStateTest, RejectFromVerifying) {
  Case c = MakeCase(CaseState::kVerifying);
  ASSERT_THAT(ApplyTransition(c, Transition::kReject, Input(CivilDay(2026, 3, 5), "STR palsu")),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kRejected);
  EXPECT_EQ(c.decision_note, "STR palsu");
  EXPECT_FALSE(SlaApplies(c.state));
}

TEST(CaseStateTest, RejectFromRevisionRequestedClosesThePause) {
  Case c = MakeCase(CaseState::kRevisionRequested);  // paused since 4 March
  ASSERT_THAT(
      ApplyTransition(c, Transition::kReject, Input(CivilDay(2026, 3, 9), "Tidak ada tanggapan")),
      IsOk());
  EXPECT_EQ(c.state, CaseState::kRejected);
  EXPECT_FALSE(c.sla.paused_since.has_value());
  EXPECT_EQ(c.sla.paused_working_days, 3);  // 4, 5, 6 March
  EXPECT_FALSE(ComputeSla(c.sla, Calendar(), CivilDay(2026, 6, 1), SlaApplies(c.state)).overdue);
}

TEST(CaseStateTest, RejectNeedsAReason) {
  Case c = MakeCase(CaseState::kVerifying);
  const absl::Status s = ApplyTransition(c, Transition::kReject, Input(CivilDay(2026, 3, 5)));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(s.message(), "note: required");
}

TEST(CaseStateTest, IssueSetsPermitNumberCodeAndDate) {
  Case c = MakeCase(CaseState::kApproved);
  TransitionInput in = Input(CivilDay(2026, 3, 6));
  in.permit_number = "0007/SIP_PERAWAT/DPMPTSP-BPP/2026";
  in.verification_code = "K7QF-2M9X";
  ASSERT_THAT(ApplyTransition(c, Transition::kIssue, in), IsOk());
  EXPECT_EQ(c.state, CaseState::kIssued);
  EXPECT_EQ(c.permit_number, "0007/SIP_PERAWAT/DPMPTSP-BPP/2026");
  EXPECT_EQ(c.verification_code, "K7QF-2M9X");
  EXPECT_EQ(c.issued_on, CivilDay(2026, 3, 6));
}

TEST(CaseStateTest, IssueNeedsPermitNumberAndVerificationCode) {
  Case c = MakeCase(CaseState::kApproved);
  const Case before = c;
  TransitionInput in = Input(CivilDay(2026, 3, 6));
  in.verification_code = "K7QF-2M9X";
  absl::Status s = ApplyTransition(c, Transition::kIssue, in);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(s.message()), HasSubstr("permit_number"));
  ExpectSameCase(c, before);

  in.permit_number = "0007/SIP_PERAWAT/DPMPTSP-BPP/2026";
  in.verification_code.clear();
  s = ApplyTransition(c, Transition::kIssue, in);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(s.message()), HasSubstr("verification_code"));
  ExpectSameCase(c, before);
}

TEST(CaseStateTest, WithdrawFromEveryOpenState) {
  for (CaseState from : {CaseState::kDraft, CaseState::kSubmitted, CaseState::kVerifying,
                         CaseState::kRevisionRequested}) {
    Case c = MakeCase(from);
    ASSERT_THAT(ApplyTransition(c, Transition::kWithdraw, Input(CivilDay(2026, 3, 9))), IsOk())
        << CaseStateName(from);
    EXPECT_EQ(c.state, CaseState::kWithdrawn);
    EXPECT_FALSE(c.sla.paused_since.has_value());
  }
}

TEST(CaseStateTest, MarkCollectedAndDeliveredFromIssued) {
  Case collected = MakeCase(CaseState::kIssued);
  TransitionInput nobody = Input(CivilDay(2026, 3, 10));
  nobody.collector = nullptr;
  EXPECT_THAT(ApplyTransition(collected, Transition::kMarkCollected, nobody),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(collected.state, CaseState::kIssued);
  ASSERT_THAT(ApplyTransition(collected, Transition::kMarkCollected, Input(CivilDay(2026, 3, 10))),
              IsOk());
  EXPECT_EQ(collected.state, CaseState::kCollected);

  Case delivered = MakeCase(CaseState::kIssued);
  ASSERT_THAT(ApplyTransition(delivered, Transition::kMarkDelivered, Input(CivilDay(2026, 3, 10))),
              IsOk());
  EXPECT_EQ(delivered.state, CaseState::kDelivered);
}

TEST(CaseStateTest, FullLifecycleWithRevision) {
  Case c = MakeCase(CaseState::kDraft);
  ASSERT_THAT(ApplyTransition(c, Transition::kSubmit, Input(CivilDay(2026, 3, 2))), IsOk());
  ASSERT_THAT(ApplyTransition(c, Transition::kStartVerification, Input(CivilDay(2026, 3, 3))),
              IsOk());
  ASSERT_THAT(
      ApplyTransition(c, Transition::kRequestRevision, Input(CivilDay(2026, 3, 4), "Foto buram")),
      IsOk());
  ASSERT_THAT(ApplyTransition(c, Transition::kSubmitRevision, Input(CivilDay(2026, 3, 6))), IsOk());
  EXPECT_EQ(ComputeSla(c.sla, Calendar(), CivilDay(2026, 3, 6), SlaApplies(c.state)).due,
            CivilDay(2026, 3, 11));
  ASSERT_THAT(ApplyTransition(c, Transition::kApprove, Input(CivilDay(2026, 3, 10))), IsOk());
  TransitionInput issue = Input(CivilDay(2026, 3, 10));
  issue.permit_number = FormatPermitNumber(1, c.permit_type, c.office_id, 2026);
  issue.verification_code = "ABCD-1234";
  ASSERT_THAT(ApplyTransition(c, Transition::kIssue, issue), IsOk());
  ASSERT_THAT(ApplyTransition(c, Transition::kMarkCollected, Input(CivilDay(2026, 3, 12))), IsOk());
  EXPECT_EQ(c.state, CaseState::kCollected);
  EXPECT_EQ(c.permit_number, "0001/SIP_PERAWAT/DPMPTSP-BPP/2026");
  EXPECT_FALSE(SlaApplies(c.state));
}

// --- Illegal transitions -----------------------------------------------------------------------

TEST(CaseStateTest, IllegalTransitionNamesCurrentAndNeededStates) {
  Case c = MakeCase(CaseState::kApproved);
  absl::Status s =
      ApplyTransition(c, Transition::kRequestRevision, Input(CivilDay(2026, 3, 5), "x"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(s.message(), "case 12 is APPROVED; RequestRevision needs VERIFYING");

  c = MakeCase(CaseState::kIssued);
  EXPECT_EQ(ApplyTransition(c, Transition::kReject, Input(CivilDay(2026, 3, 5), "x")).message(),
            "case 12 is ISSUED; Reject needs VERIFYING or REVISION_REQUESTED");
  EXPECT_EQ(ApplyTransition(c, Transition::kWithdraw, Input(CivilDay(2026, 3, 5))).message(),
            "case 12 is ISSUED; Withdraw needs DRAFT, SUBMITTED, VERIFYING or REVISION_REQUESTED");
}

TEST(CaseStateTest, StateIsCheckedBeforeInputs) {
  // A missing note from the wrong state reports the state: the caller cannot fix it with a note.
  Case c = MakeCase(CaseState::kSubmitted);
  const absl::Status s =
      ApplyTransition(c, Transition::kRequestRevision, Input(CivilDay(2026, 3, 5)));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(s.message(), "case 12 is SUBMITTED; RequestRevision needs VERIFYING");
}

// Every (state, transition) pair outside the diagram fails with FailedPrecondition naming the
// current state, and leaves the case as it was.
TEST(CaseStateTest, EveryIllegalPairFailsAndLeavesCaseUnchanged) {
  auto legal = [](CaseState s, Transition t) {
    switch (t) {
      case Transition::kSubmit:
        return s == CaseState::kDraft;
      case Transition::kStartVerification:
        return s == CaseState::kSubmitted;
      case Transition::kRequestRevision:
      case Transition::kApprove:
        return s == CaseState::kVerifying;
      case Transition::kSubmitRevision:
        return s == CaseState::kRevisionRequested;
      case Transition::kReject:
        return s == CaseState::kVerifying || s == CaseState::kRevisionRequested;
      case Transition::kIssue:
        return s == CaseState::kApproved;
      case Transition::kWithdraw:
        return AcceptsDocuments(s);
      case Transition::kMarkCollected:
      case Transition::kMarkDelivered:
        return s == CaseState::kIssued;
      case Transition::kRevoke:
        return s == CaseState::kIssued || s == CaseState::kDelivered || s == CaseState::kCollected;
    }
    return false;
  };
  int illegal = 0;
  for (CaseState from : kAllStates) {
    for (Transition t : kAllTransitions) {
      if (legal(from, t)) continue;
      ++illegal;
      Case c = MakeCase(from);
      const Case before = c;
      TransitionInput in = Input(CivilDay(2026, 3, 9), "alasan");
      in.permit_number = "0001/SIP_PERAWAT/DPMPTSP-BPP/2026";
      in.verification_code = "ABCD-1234";
      const absl::Status s = ApplyTransition(c, t, in);
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition))
          << CaseStateName(from) << " " << TransitionName(t);
      EXPECT_THAT(
          std::string(s.message()),
          ::testing::StartsWith(std::string("case 12 is ") + std::string(CaseStateName(from)) +
                                "; " + std::string(TransitionName(t)) + " needs "));
      ExpectSameCase(c, before);
    }
  }
  // Seventeen legal (state, transition) pairs in the diagram (three of them Revoke).
  EXPECT_EQ(illegal, 11 * 11 - 17);
}

TEST(CaseStateTest, UnchangedOnInputError) {
  Case c = MakeCase(CaseState::kRevisionRequested);
  const Case before = c;
  // Reject without a reason from a paused case must not close the pause either.
  EXPECT_THAT(ApplyTransition(c, Transition::kReject, Input(CivilDay(2026, 3, 9))),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("note: required")));
  ExpectSameCase(c, before);

  Case v = MakeCase(CaseState::kVerifying);
  const Case v_before = v;
  EXPECT_FALSE(
      ApplyTransition(v, Transition::kApprove, Input(CivilDay(2026, 3, 9), std::string(2000, 'n')))
          .ok());
  ExpectSameCase(v, v_before);
}

TEST(CaseStateTest, MissingCalendarIsInternal) {
  Case c = MakeCase(CaseState::kRevisionRequested);
  TransitionInput in = Input(CivilDay(2026, 3, 9));
  in.calendar = nullptr;
  EXPECT_THAT(ApplyTransition(c, Transition::kSubmitRevision, in),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_EQ(c.state, CaseState::kRevisionRequested);
}

// --- State predicates --------------------------------------------------------------------------

TEST(CaseStateTest, AcceptsDocumentsOnlyWhileOpen) {
  for (CaseState s : kAllStates) {
    const bool expected = s == CaseState::kDraft || s == CaseState::kSubmitted ||
                          s == CaseState::kVerifying || s == CaseState::kRevisionRequested;
    EXPECT_EQ(AcceptsDocuments(s), expected) << CaseStateName(s);
  }
}

TEST(CaseStateTest, SlaAppliesFromSubmissionToApproval) {
  for (CaseState s : kAllStates) {
    const bool expected = s == CaseState::kSubmitted || s == CaseState::kVerifying ||
                          s == CaseState::kRevisionRequested || s == CaseState::kApproved;
    EXPECT_EQ(SlaApplies(s), expected) << CaseStateName(s);
  }
}

// --- Row scope ---------------------------------------------------------------------------------

Principal MakePrincipal(Role role, std::string office_id, std::string clinic_id = "") {
  Principal p;
  p.id = 1;
  p.role = role;
  p.office_id = std::move(office_id);
  p.clinic_id = std::move(clinic_id);
  return p;
}

TEST(CaseVisibilityTest, OfficerOfSameOfficeSeesCase) {
  const Case c = MakeCase(CaseState::kVerifying);
  EXPECT_THAT(CheckCaseVisible(MakePrincipal(Role::kOfficer, "bpp"), c), IsOk());
  EXPECT_THAT(CheckCaseVisible(MakePrincipal(Role::kApprover, "bpp"), c), IsOk());
}

TEST(CaseVisibilityTest, OtherOfficeGetsNotFound) {
  const Case c = MakeCase(CaseState::kVerifying);
  const absl::Status s = CheckCaseVisible(MakePrincipal(Role::kOfficer, "smd"), c);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(s.message(), "case 12 not found");
}

TEST(CaseVisibilityTest, ClinicSeesOnlyItsOwnCases) {
  Case c = MakeCase(CaseState::kSubmitted);
  c.channel = Channel::kClinic;
  c.clinic_id = "klinik-sepinggan";
  EXPECT_THAT(CheckCaseVisible(MakePrincipal(Role::kClinic, "bpp", "klinik-sepinggan"), c), IsOk());

  const absl::Status other =
      CheckCaseVisible(MakePrincipal(Role::kClinic, "bpp", "klinik-damai"), c);
  EXPECT_THAT(other, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(other.message(), "case 12 not found");

  // A clinic principal must never match a walk-in case (empty clinic_id) by having none itself.
  Case walk_in = MakeCase(CaseState::kSubmitted);
  EXPECT_THAT(CheckCaseVisible(MakePrincipal(Role::kClinic, "bpp", ""), walk_in),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(CheckCaseVisible(MakePrincipal(Role::kClinic, "bpp", "klinik-damai"), walk_in),
              StatusIs(absl::StatusCode::kNotFound));
}

// --- Formatting --------------------------------------------------------------------------------

TEST(PermitNumberTest, FormatsSequenceTypeOfficeAndYear) {
  EXPECT_EQ(FormatPermitNumber(7, "SIP_PERAWAT", "bpp", 2026), "0007/SIP_PERAWAT/DPMPTSP-BPP/2026");
  EXPECT_EQ(FormatPermitNumber(1234, "SIP_BIDAN", "BPP", 2027), "1234/SIP_BIDAN/DPMPTSP-BPP/2027");
  EXPECT_EQ(FormatPermitNumber(12345, "SIK", "bpp", 2026), "12345/SIK/DPMPTSP-BPP/2026");
}

TEST(MaskNameTest, KeepsFirstLetterOfEachWord) {
  EXPECT_EQ(MaskName("Siti Rahmawati"), "S*** R***");
  EXPECT_EQ(MaskName("  Siti   Rahmawati  "), "S*** R***");
  EXPECT_EQ(MaskName("Budi"), "B***");
  EXPECT_EQ(MaskName(""), "");
  EXPECT_EQ(MaskName("Ñoman Éka"), "Ñ*** É***");  // whole UTF-8 character, not half of it
}

TEST(HandoverNameTest, TakesNamesAsADeskWritesThemAndRefusesOnlyWhatCannotBeOne) {
  for (const char* ok : {"Ns. Herlina (TU RSUD)", "dr. A'an Setiawan, Sp.PD", "Andi-Pratama",
                         "Ni Luh Putu Éka", "Bp. Rudi / Satpam"}) {
    EXPECT_THAT(NormalizeHandoverName(ok, "receiver_name"), IsOk()) << ok;
  }
  EXPECT_EQ(*NormalizeHandoverName("  Ns.   Herlina\t(TU) ", "receiver_name"), "Ns. Herlina (TU)");
  for (const std::string bad :
       {std::string(""), std::string("   "), std::string("12345"), std::string("Ns. Herlina\nTU"),
        std::string("Ns.\x01Herlina"), std::string("\xff\xfe"), std::string(101, 'a')}) {
    absl::StatusOr<std::string> r = NormalizeHandoverName(bad, "receiver_name");
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_EQ(r.status().message().rfind("receiver_name", 0), 0u) << r.status();
  }
}

TEST(CollectorTest, NeedsAKnownIdentityDocumentAndMasksItsNumber) {
  absl::StatusOr<Collector> c =
      NormalizeCollector({"Ns. Herlina (TU RSUD)", " ktp ", "6471 0657 0890 0001"});
  ASSERT_THAT(c, IsOk()) << c.status();
  EXPECT_EQ(c->id_document_type, "KTP");
  EXPECT_EQ(c->id_document_number, "6471065708900001");
  EXPECT_EQ(DescribeCollector(*c), "Ns. Herlina (TU RSUD), KTP \u2022\u2022\u2022\u20220001");
  EXPECT_THAT(NormalizeCollector({"Budi", "PASPOR", "c1234567"}), IsOk());
  EXPECT_THAT(NormalizeCollector({"Budi", "KTP", "12345"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(NormalizeCollector({"Budi", "KARTU PERPUSTAKAAN", "12345"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(NormalizeCollector({"", "KTP", "6471065708900001"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- Decisions the store carries out (issue 14) ------------------------------------------------

Application GoodApplication() {
  Application app;
  app.permit_type = "SIP_PERAWAT";
  app.applicant.nik = " 6471065708900001 ";
  app.applicant.name = "  Siti  Rahmawati ";
  app.applicant.phone = "0812-3456-789";
  app.practice_place = "RSUD Kanujoso";
  app.str_number = "STR-123";
  return app;
}

Principal Officer() {
  return {.id = 7, .office_id = "bpp", .name = "Dewi", .role = Role::kOfficer};
}
Principal ClinicStaff(std::string clinic) {
  return {.id = 9,
          .office_id = "bpp",
          .name = "Ns. Herlina",
          .role = Role::kClinic,
          .clinic_id = std::move(clinic)};
}

TEST(SubmissionTest, ChecksThePermitTypeThenTheFormAndNormalisesIt) {
  Application app = GoodApplication();
  app.permit_type = "";
  EXPECT_THAT(CheckApplication(app, nullptr, CivilDay(2026, 3, 2)),
              StatusIs(absl::StatusCode::kInvalidArgument, "permit_type: required"));
  app.permit_type = "NOPE";
  EXPECT_THAT(CheckApplication(app, nullptr, CivilDay(2026, 3, 2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown permit type")));
  app = GoodApplication();
  app.practice_place = "";
  EXPECT_THAT(CheckApplication(app, &SipPerawat(), CivilDay(2026, 3, 2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("practice_place")));
  app = GoodApplication();
  ASSERT_THAT(CheckApplication(app, &SipPerawat(), CivilDay(2026, 3, 2)), IsOk());
  EXPECT_EQ(app.applicant.nik, "6471065708900001");
  EXPECT_EQ(app.applicant.phone, "+628123456789");
  EXPECT_EQ(app.applicant.language, "id");
}

TEST(SubmissionTest, SubmitsOrDraftsACaseOfTheActorsOffice) {
  Application app = GoodApplication();
  ASSERT_THAT(CheckApplication(app, &SipPerawat(), CivilDay(2026, 3, 2)), IsOk());
  absl::StatusOr<Case> c =
      DecideSubmission(Officer(), app, SipPerawat(), {}, CivilDay(2026, 3, 2), Calendar());
  ASSERT_THAT(c.status(), IsOk());
  EXPECT_EQ(c->office_id, "bpp");
  EXPECT_EQ(c->channel, Channel::kOnline);
  EXPECT_EQ(c->state, CaseState::kSubmitted);
  EXPECT_EQ(c->sla.started_on, CivilDay(2026, 3, 2));
  EXPECT_EQ(c->sla.service_level_days, 5);
  app.draft = true;
  app.channel = Channel::kCounter;
  c = DecideSubmission(Officer(), app, SipPerawat(), {}, CivilDay(2026, 3, 2), Calendar());
  ASSERT_THAT(c.status(), IsOk());
  EXPECT_EQ(c->state, CaseState::kDraft);
  EXPECT_EQ(c->channel, Channel::kCounter);
  EXPECT_EQ(c->sla.started_on, std::nullopt);
}

TEST(SubmissionTest, ClinicsFileHealthWorkersPermitsAsClinicCasesOnly) {
  Application app = GoodApplication();
  absl::StatusOr<Case> c = DecideSubmission(ClinicStaff("rsud"), app, SipPerawat(), {},
                                            CivilDay(2026, 3, 2), Calendar());
  ASSERT_THAT(c.status(), IsOk());
  EXPECT_EQ(c->channel, Channel::kClinic);
  EXPECT_EQ(c->clinic_id, "rsud");
  PermitType shop = SipPerawat();
  shop.code = "SIUP";
  shop.name = "Izin Usaha";
  shop.health_worker = false;
  EXPECT_THAT(DecideSubmission(ClinicStaff("rsud"), app, shop, {}, CivilDay(2026, 3, 2), Calendar())
                  .status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("SIUP (Izin Usaha) is not a health worker's permit")));
  app.channel = Channel::kClinic;
  EXPECT_THAT(
      DecideSubmission(Officer(), app, SipPerawat(), {}, CivilDay(2026, 3, 2), Calendar()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, "channel: CLINIC is for partner clinic staff"));
}

TEST(SubmissionTest, ALiveApplicationIsNamedOnlyToWhoMaySeeIt) {
  const Application app = GoodApplication();
  const std::vector<ApplicantCase> earlier = {{41, CaseState::kVerifying, "rsud", std::nullopt}};
  EXPECT_THAT(
      DecideSubmission(Officer(), app, SipPerawat(), earlier, CivilDay(2026, 3, 2), Calendar())
          .status(),
      StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("SIP_PERAWAT: case 41 (VERIFYING)")));
  EXPECT_THAT(DecideSubmission(ClinicStaff("rsud"), app, SipPerawat(), earlier,
                               CivilDay(2026, 3, 2), Calendar())
                  .status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("case 41")));
  absl::Status other = DecideSubmission(ClinicStaff("pkm"), app, SipPerawat(), earlier,
                                        CivilDay(2026, 3, 2), Calendar())
                           .status();
  EXPECT_THAT(other, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("ask the office")));
  EXPECT_THAT(std::string(other.message()), ::testing::Not(HasSubstr("41")));
}

TEST(SubmissionTest, ClosedCasesAndPermitsDueForRenewalAreNotLive) {
  const CivilDay today(2026, 3, 2);
  std::vector<ApplicantCase> earlier = {
      {3, CaseState::kRejected, "", std::nullopt},
      {4, CaseState::kWithdrawn, "", std::nullopt},
      {5, CaseState::kRevoked, "", CivilDay(2030, 1, 1)},
      {6, CaseState::kCollected, "", today + 90},  // renewal opens today
      {7, CaseState::kIssued, "", today - 1},      // expired
  };
  EXPECT_EQ(LiveApplication(earlier, today), nullptr);
  EXPECT_THAT(
      DecideSubmission(Officer(), GoodApplication(), SipPerawat(), earlier, today, Calendar()),
      IsOk());
  earlier.push_back({9, CaseState::kDraft, "", std::nullopt});
  earlier.push_back({8, CaseState::kCollected, "", today + 91});  // renewal opens tomorrow
  ASSERT_NE(LiveApplication(earlier, today), nullptr);
  EXPECT_EQ(LiveApplication(earlier, today)->id, 8);
}

TEST(AttachDocumentTest, NeedsAnOpenCaseAndADocumentOfItsPermitType) {
  Case c = MakeCase(CaseState::kVerifying);
  absl::StatusOr<std::string> note = DecideAttachDocument(c, SipPerawat(), "STR", "str.pdf", 1234);
  ASSERT_THAT(note.status(), IsOk());
  EXPECT_EQ(*note, "STR: str.pdf (1234 bytes)");
  EXPECT_THAT(DecideAttachDocument(c, SipPerawat(), "KTP", "ktp.pdf", 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "code: SIP_PERAWAT has no document \"KTP\"; expected one of STR, "
                       "SURAT_TEMPAT_PRAKTIK, PAS_FOTO"));
  c = MakeCase(CaseState::kApproved);
  EXPECT_THAT(DecideAttachDocument(c, SipPerawat(), "STR", "str.pdf", 1).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("case 12 is APPROVED; documents can be attached while")));
}

TEST(TransitionRecordTest, OnlyACollectionTakesItsCollectorNormalised) {
  const Collector given{" Siti  Rahmawati ", "ktp", "6471065708900001"};
  absl::StatusOr<std::optional<Collector>> who = CollectorFor(Transition::kMarkCollected, &given);
  ASSERT_THAT(who.status(), IsOk());
  ASSERT_TRUE(who->has_value());
  EXPECT_EQ((*who)->name, "Siti Rahmawati");
  EXPECT_EQ((*who)->id_document_type, "KTP");
  who = CollectorFor(Transition::kMarkCollected, nullptr);
  ASSERT_THAT(who.status(), IsOk());
  EXPECT_FALSE(who->has_value());  // ApplyTransition refuses it, after the state
  who = CollectorFor(Transition::kMarkDelivered, &given);
  ASSERT_THAT(who.status(), IsOk());
  EXPECT_FALSE(who->has_value());
  const Collector bad{"Budi", "KARTU PERPUSTAKAAN", "12345"};
  EXPECT_THAT(CollectorFor(Transition::kMarkCollected, &bad).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CollectorFor(Transition::kReject, &bad).status(), IsOk());
}

TEST(TransitionRecordTest, ExpectedVersionAndPermitNumber) {
  Case c = MakeCase(CaseState::kApproved);
  c.version = 3;
  EXPECT_THAT(CheckExpectedVersion(c, std::nullopt), IsOk());
  EXPECT_THAT(CheckExpectedVersion(c, 3), IsOk());
  EXPECT_THAT(CheckExpectedVersion(c, 2),
              StatusIs(absl::StatusCode::kAborted,
                       "case 12 has changed (etag 2, now 3); re-read and retry"));
  EXPECT_TRUE(TakesPermitNumber(CaseState::kApproved, Transition::kIssue));
  EXPECT_FALSE(TakesPermitNumber(CaseState::kVerifying, Transition::kIssue));
  EXPECT_FALSE(TakesPermitNumber(CaseState::kApproved, Transition::kReject));
}

TEST(TransitionRecordTest, SaysWhatEachTransitionWritesBesidesTheCase) {
  Case c = MakeCase(CaseState::kIssued);
  c.permit_number = "0007/SIP_PERAWAT/DPMPTSP-bpp/2026";
  c.valid_until = CivilDay(2031, 3, 1);
  TransitionRecord r = RecordTransition(c, Transition::kIssue, "", SipPerawat());
  EXPECT_EQ(r.event_note, "permit 0007/SIP_PERAWAT/DPMPTSP-bpp/2026, valid until 2031-03-01");
  EXPECT_TRUE(r.sign_permit);
  EXPECT_FALSE(r.write_collector);
  EXPECT_FALSE(r.follow_clinic);

  c.state = CaseState::kCollected;
  c.collected_by = {"Siti Rahmawati", "KTP", "6471065708900001"};
  r = RecordTransition(c, Transition::kMarkCollected, "dengan kuasa", SipPerawat());
  EXPECT_EQ(r.event_note,
            "collected by Siti Rahmawati, KTP \u2022\u2022\u2022\u20220001; dengan kuasa");
  EXPECT_TRUE(r.write_collector);
  EXPECT_FALSE(r.sign_permit);

  c.state = CaseState::kRevoked;
  c.revoke_reason_public = true;
  EXPECT_EQ(RecordTransition(c, Transition::kRevoke, "STR dicabut", SipPerawat()).event_note,
            "STR dicabut (reason published)");
  c.revoke_reason_public = false;
  EXPECT_EQ(RecordTransition(c, Transition::kRevoke, "STR dicabut", SipPerawat()).event_note,
            "STR dicabut");

  c.channel = Channel::kClinic;
  EXPECT_EQ(RecordTransition(c, Transition::kReject, "x", SipPerawat()).event_note, "x");
  EXPECT_TRUE(RecordTransition(c, Transition::kReject, "x", SipPerawat()).follow_clinic);
  PermitType shop = SipPerawat();
  shop.health_worker = false;
  EXPECT_FALSE(RecordTransition(c, Transition::kReject, "x", shop).follow_clinic);
}

TEST(VerifyPermitCodeTest, AnswersOnlyAnIssuedPermitWithItsCode) {
  Case c = MakeCase(CaseState::kIssued);
  c.verification_code = "K7M4QX9PLA";
  c.valid_until = CivilDay(2031, 3, 1);
  EXPECT_EQ(VerifyPermitCode(c, "k7m-4qx 9pla", CivilDay(2026, 3, 2)), PermitStatus::kValid);
  EXPECT_EQ(VerifyPermitCode(c, "K7M4QX9PLA", CivilDay(2031, 3, 2)), PermitStatus::kExpired);
  EXPECT_EQ(VerifyPermitCode(c, "K7M4QX9PLB", CivilDay(2026, 3, 2)), std::nullopt);
  c.state = CaseState::kRevoked;
  EXPECT_EQ(VerifyPermitCode(c, "K7M4QX9PLA", CivilDay(2026, 3, 2)), PermitStatus::kRevoked);
  c.state = CaseState::kApproved;
  EXPECT_EQ(VerifyPermitCode(c, "K7M4QX9PLA", CivilDay(2026, 3, 2)), std::nullopt);
  c.state = CaseState::kIssued;
  c.verification_code = "";
  EXPECT_EQ(VerifyPermitCode(c, "", CivilDay(2026, 3, 2)), std::nullopt);
}

TEST(ClinicScopeTest, AClinicFindsOnlyItsOwnCases) {
  EXPECT_EQ(ClinicScope(Officer(), ""), "");
  EXPECT_EQ(ClinicScope(Officer(), "rsud"), "rsud");
  EXPECT_EQ(ClinicScope(ClinicStaff("rsud"), ""), "rsud");
  EXPECT_EQ(ClinicScope(ClinicStaff("rsud"), "rsud"), "rsud");
  EXPECT_EQ(ClinicScope(ClinicStaff("rsud"), "pkm"), std::nullopt);
}

TEST(ListsClinicDraftsTest, TheOfficeSeesAClinicsDraftsOnlyWhenAskedForDrafts) {
  EXPECT_FALSE(ListsClinicDrafts(Officer(), std::nullopt));
  EXPECT_FALSE(ListsClinicDrafts(Officer(), CaseState::kSubmitted));
  EXPECT_TRUE(ListsClinicDrafts(Officer(), CaseState::kDraft));
  EXPECT_TRUE(ListsClinicDrafts(ClinicStaff("rsud"), std::nullopt));
}

// A number typed from paper finds the permit FormatPermitNumber wrote.
TEST(PermitNumberTest, TypedInAnyCaseWithStraySpacesIsThePrintedNumber) {
  const std::string printed = FormatPermitNumber(2, "SIP_PERAWAT", "bpp", 2026);
  EXPECT_EQ(printed, "0002/SIP_PERAWAT/DPMPTSP-BPP/2026");
  EXPECT_EQ(NormalizePermitNumber(" 0002/sip_perawat / dpmptsp-bpp/2026\t"), printed);
  EXPECT_EQ(NormalizePermitNumber(printed), printed);
  EXPECT_EQ(NormalizePermitNumber("0002/SIP_PERAWAT/DPMPTSP-BPP/2025"),
            "0002/SIP_PERAWAT/DPMPTSP-BPP/2025");
}

}  // namespace
}  // namespace loket::domain
