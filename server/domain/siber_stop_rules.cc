#include "server/domain/siber_stop_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/domain/case.h"
#include "server/domain/validation.h"

namespace loket::domain {
namespace {

std::string LocalClock(absl::Time t, int offset_minutes) {
  return absl::FormatTime("%H:%M", t, absl::FixedTimeZone(offset_minutes * 60));
}

}  // namespace

absl::StatusOr<std::string> NormalizeProofSha256(std::string_view proof) {
  std::string p = absl::AsciiStrToLower(std::string(proof));
  if (p.size() != 64 || p.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return absl::InvalidArgumentError(
        "proof_sha256: the SHA-256 of the signature or photo, 64 hex digits");
  }
  return p;
}

absl::StatusOr<std::string> NormalizeCancelReason(std::string_view reason) {
  const std::string why(absl::StripAsciiWhitespace(std::string(reason)));
  if (why.empty())
    return absl::InvalidArgumentError("reason: required (why the stop is cancelled)");
  if (why.find_first_of("\r\n") != std::string::npos) {
    return absl::InvalidArgumentError("reason: one line, no line breaks");
  }
  LOKET_RETURN_IF_ERROR(ValidateText(why, "reason", 500, true));
  return why;
}

std::string CancelStopNote(int64_t stop_id, StopKind kind, std::string_view item,
                           std::string_view day, std::string_view why) {
  return absl::StrCat("stop ", stop_id, " (", std::string(StopKindName(kind)), " of ",
                      std::string(item), ", ", std::string(day), "): ", std::string(why));
}

std::string ApplicantNameFor(const Principal& viewer, std::string_view name) {
  if (viewer.role == Role::kCourier) return MaskName(name);
  return std::string(name);
}

bool StopReachableBy(const Principal& actor, int64_t stop_courier_id) {
  return actor.role != Role::kCourier || stop_courier_id == actor.id;
}

bool StopListedFor(const Principal& viewer, std::string_view stop_clinic_id) {
  return viewer.role != Role::kClinic || stop_clinic_id == viewer.clinic_id;
}

absl::StatusOr<int64_t> RouteCourierFor(const Principal& viewer, int64_t asked) {
  int64_t id = viewer.role == Role::kCourier ? viewer.id : asked;
  if (id <= 0) return absl::InvalidArgumentError("courier_id: required");
  return id;
}

absl::Status CheckPlanDay(absl::CivilDay day, absl::CivilDay today) {
  if (day < today) return absl::InvalidArgumentError("day: in the past");
  return absl::OkStatus();
}

absl::Status ValidateCourierPrincipalId(int64_t principal_id) {
  if (principal_id <= 0) return absl::InvalidArgumentError("principal_id: required");
  return absl::OkStatus();
}

absl::Status CheckCourierPrincipal(int64_t principal_id, const std::optional<std::string>& role) {
  if (!role || *role != "courier") {
    return absl::InvalidArgumentError(
        absl::StrCat("principal_id: ", principal_id, " is not a courier of this office"));
  }
  return absl::OkStatus();
}

absl::Status CheckShiftCourier(int64_t courier_id, bool found) {
  if (courier_id <= 0 || !found) {
    return absl::InvalidArgumentError(absl::StrCat("courier_id: unknown courier ", courier_id));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> RoutePlanDay(const std::string& dedupe_key) {
  absl::CivilDay d;
  if (!absl::ParseCivilTime(dedupe_key, &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("route.plan task: dedupe_key is not a day: ", dedupe_key));
  }
  return d;
}

absl::StatusOr<absl::CivilDay> RoutePlanResultDay(const std::string& day) {
  absl::CivilDay d;
  if (!absl::ParseCivilTime(day, &d)) {
    return absl::InvalidArgumentError("route_plan.day: YYYY-MM-DD");
  }
  return d;
}

bool CarriesOverInto(absl::CivilDay day, absl::CivilDay today) { return day == today; }

OpenStopHold HoldOf(const PlanStop& stop) {
  if (std::optional<int64_t> holder = OnBoardWith(stop); holder && *holder != 0) {
    return OpenStopHold::kOnBoard;
  }
  if (stop.partner_id == 0 || stop.partner_state == StopState::kPending ||
      stop.partner_state == StopState::kPlanned) {
    return OpenStopHold::kNobody;  // without a partner and a courier: a bundle nobody holds
  }
  return OpenStopHold::kEnded;
}

namespace {

// `stop` moved to `to`, its windows at the same clock times.
StopMove MovedTo(const PlanStop& stop, absl::CivilDay to) {
  const absl::Duration shift = absl::Hours(24) * static_cast<int64_t>(to - stop.day);
  return {stop.id, to, stop.window_start + shift, stop.window_end + shift, 0};
}

}  // namespace

std::vector<StopMove> DecideCarryOver(const std::vector<PlanStop>& open, absl::CivilDay into) {
  std::vector<StopMove> out;
  for (const PlanStop& s : open) {
    if (s.day >= into) continue;
    switch (HoldOf(s)) {
      case OpenStopHold::kNobody:
        out.push_back(MovedTo(s, into));
        break;
      case OpenStopHold::kOnBoard: {
        // A bundle whose taking was begun (arrived) but never confirmed stays with that day: its
        // giving end cannot be confirmed until the taking is.
        if (s.partner_id != 0 && s.partner_state != StopState::kDone) break;
        StopMove m = MovedTo(s, into);
        m.courier_id = *OnBoardWith(s);
        if (s.kind == StopKind::kHandin) m.window_start = s.window_start;
        out.push_back(m);
        break;
      }
      case OpenStopHold::kEnded:
        break;
    }
  }
  return out;
}

std::vector<StopMove> DecideMoveOffClosedDay(const std::vector<PlanStop>& open, absl::CivilDay to) {
  std::vector<StopMove> out;
  for (const PlanStop& s : open) {
    if (HoldOf(s) == OpenStopHold::kNobody) out.push_back(MovedTo(s, to));
  }
  return out;
}

std::vector<int64_t> DecideCancelWithCase(const std::vector<PlanStop>& open) {
  std::vector<int64_t> out;
  for (const PlanStop& s : open) {
    if (HoldOf(s) != OpenStopHold::kOnBoard) out.push_back(s.id);
  }
  return out;
}

bool PlanStillCurrent(std::optional<int64_t> input_version, int64_t planned_from) {
  return input_version.has_value() && *input_version == planned_from;
}

bool PermitRevoked(std::string_view item, std::optional<CaseState> case_state) {
  return item == "permit" && case_state == CaseState::kRevoked;
}

bool ShouldSendNear(StopKind kind, bool near_sent) {
  return !near_sent && kind != StopKind::kHandin && kind != StopKind::kCollect;
}

std::optional<VisitWindow> ToldWindow(std::optional<absl::Time> start,
                                      std::optional<absl::Time> end) {
  if (!start) return std::nullopt;
  return VisitWindow{*start, end.value_or(*start + absl::Hours(1))};
}

std::map<std::string, std::string> VisitParams(std::string_view day, const VisitWindow& window,
                                               int utc_offset_minutes,
                                               std::string_view courier_name,
                                               std::string_view courier_phone) {
  return {{"date", std::string(day)},
          {"window", absl::StrCat(LocalClock(window.start, utc_offset_minutes), "-",
                                  LocalClock(window.end, utc_offset_minutes), " ",
                                  OfficeZoneName(utc_offset_minutes))},
          {"courier", courier_name.empty() ? "-" : std::string(courier_name)},
          {"courier_phone", courier_phone.empty() ? "-" : std::string(courier_phone)}};
}

AnnouncedDelivery DeliveryToAnnounce(std::optional<absl::Time> planned_at, absl::Time window_start,
                                     absl::Time window_end, int64_t delivery_courier,
                                     int64_t collecting_courier) {
  auto [from, until] = AnnouncedWindow(window_start, window_end, planned_at.value_or(window_start));
  return {{from, until}, delivery_courier != 0 ? delivery_courier : collecting_courier};
}

}  // namespace loket::domain
