#include "server/domain/siber.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/domain/validation.h"

namespace loket::domain {
namespace {

constexpr std::string_view kKindNames[] = {"pickup", "handin", "collect", "delivery"};
constexpr std::string_view kStateNames[] = {"pending", "planned", "arrived",
                                            "done",    "failed",  "cancelled"};

bool Live(StopState s) {
  return s == StopState::kPending || s == StopState::kPlanned || s == StopState::kArrived;
}

}  // namespace

std::string_view StopKindName(StopKind k) { return kKindNames[static_cast<int>(k)]; }
std::optional<StopKind> StopKindFromName(std::string_view s) {
  for (int i = 0; i < 4; ++i) {
    if (kKindNames[i] == s) return static_cast<StopKind>(i);
  }
  return std::nullopt;
}
std::string_view StopStateName(StopState s) { return kStateNames[static_cast<int>(s)]; }
std::optional<StopState> StopStateFromName(std::string_view s) {
  for (int i = 0; i < 6; ++i) {
    if (kStateNames[i] == s) return static_cast<StopState>(i);
  }
  return std::nullopt;
}
absl::Status CheckPaperPickup(int64_t case_id, std::string_view state) {
  if (state == "SUBMITTED" || state == "VERIFYING" || state == "REVISION_REQUESTED") {
    return absl::OkStatus();
  }
  std::string why =
      (state == "ISSUED" || state == "COLLECTED" || state == "DELIVERED" || state == "APPROVED")
          ? "its papers are at the office already; no courier is sent for them"
          : "it needs no papers any more";
  return absl::FailedPreconditionError(
      absl::StrCat("case ", case_id, " is ", std::string(state), ": ", why));
}

absl::Status CheckCourierReport(int64_t stop_id, StopKind kind, StopState state,
                                absl::CivilDay stop_day, absl::CivilDay today, bool confirming) {
  if (stop_day > today) {
    return absl::FailedPreconditionError(
        absl::StrCat("stop ", stop_id, " is on ", absl::FormatCivilTime(stop_day), ", not today (",
                     absl::FormatCivilTime(today), "); report it on its day"));
  }
  if (confirming && (kind == StopKind::kPickup || kind == StopKind::kDelivery) &&
      state != StopState::kArrived) {
    return absl::FailedPreconditionError(absl::StrCat(
        "stop ", stop_id, " is ", std::string(StopStateName(state)),
        ": say you are there first (`loket courier arrive ", stop_id, "`), then confirm"));
  }
  return absl::OkStatus();
}

absl::Status CheckStopState(int64_t stop_id, StopState state,
                            std::initializer_list<StopState> allowed, std::string_view doing) {
  for (StopState a : allowed) {
    if (state == a) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat("cannot ", std::string(doing), " stop ",
                                                    stop_id, ": it is ",
                                                    std::string(StopStateName(state))));
}

bool CourierTakes(StopKind k) { return k == StopKind::kPickup || k == StopKind::kCollect; }

bool AtOffice(StopKind k) { return k == StopKind::kHandin || k == StopKind::kCollect; }

absl::StatusOr<RoutePlace> PlaceOnRoute(const CourierPlace& place, const std::string& owner) {
  if (!place.latitude || !place.longitude) {
    return absl::FailedPreconditionError(absl::StrCat(
        owner, " has no location; an administrator must set it before SIBER can plan"));
  }
  return RoutePlace{place.clinic_id, place.name,       place.address,
                    *place.latitude, *place.longitude, {place.opens, place.closes}};
}

WorkingCalendar CourierCalendar(const std::set<absl::CivilDay>& holidays,
                                const std::set<absl::CivilDay>& courier_closed,
                                const std::set<absl::CivilDay>& more) {
  std::set<absl::CivilDay> closed = holidays;
  closed.insert(courier_closed.begin(), courier_closed.end());
  closed.insert(more.begin(), more.end());
  return WorkingCalendar(std::move(closed));
}

absl::StatusOr<StopWindow> NextStopWindow(absl::Time now, int utc_offset_minutes,
                                          const WorkingCalendar& calendar, DailyHours hours,
                                          const VisitPreference& pref, absl::Duration lead,
                                          absl::Duration min_length) {
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  const int min_minutes = static_cast<int>(absl::ToInt64Minutes(min_length));
  if (pref.after && (*pref.after < 0 || *pref.after >= 24 * 60)) {
    return absl::InvalidArgumentError("pickup.after: HH:MM between 00:00 and 23:59");
  }
  if (pref.before && (*pref.before <= 0 || *pref.before > 24 * 60)) {
    return absl::InvalidArgumentError("pickup.before: HH:MM between 00:01 and 24:00");
  }
  if (pref.after && pref.before && *pref.after >= *pref.before) {
    return absl::InvalidArgumentError("pickup.after: must be earlier than pickup.before");
  }
  const int lo = std::max(hours.opens, pref.after.value_or(hours.opens));
  const int hi = std::min(hours.closes, pref.before.value_or(hours.closes));
  if (hi - lo < min_minutes) {
    return absl::InvalidArgumentError(
        absl::StrCat("pickup.after/before: the clinic is open ", FormatClockMinutes(hours.opens),
                     "-", FormatClockMinutes(hours.closes), "; ask for at least ", min_minutes,
                     " minutes within that"));
  }
  const absl::CivilDay today = absl::ToCivilDay(now, tz);
  const absl::Time earliest = now + lead;
  auto window_on = [&](absl::CivilDay d) -> std::optional<StopWindow> {
    absl::Time start = absl::FromCivil(absl::CivilMinute(d) + lo, tz);
    absl::Time end = absl::FromCivil(absl::CivilMinute(d) + hi, tz);
    start = std::max(start, earliest);
    if (end - start < min_length) return std::nullopt;
    return StopWindow{d, start, end};
  };
  if (pref.day) {
    if (*pref.day < today) return absl::InvalidArgumentError("pickup.day: in the past");
    if (!calendar.IsWorkingDay(*pref.day)) {
      return absl::InvalidArgumentError(
          absl::StrCat("pickup.day: ", absl::FormatCivilTime(*pref.day), " is not a working day"));
    }
    if (auto w = window_on(*pref.day)) return *w;
    return absl::InvalidArgumentError(absl::StrCat(
        "pickup.day: too late on ", absl::FormatCivilTime(*pref.day), "; choose a later day"));
  }
  absl::CivilDay d = today;
  for (int tried = 0; tried < 30; d += 1) {
    if (!calendar.IsWorkingDay(d)) continue;
    ++tried;
    if (auto w = window_on(d)) return *w;
  }
  return absl::FailedPreconditionError("no working day in the next 30 for a visit");
}

absl::StatusOr<PairWindows> DecidePairWindows(StopKind visit, absl::Time now,
                                              int utc_offset_minutes,
                                              const WorkingCalendar& calendar, DailyHours hours,
                                              const VisitPreference& pref) {
  LOKET_ASSIGN_OR_RETURN(StopWindow w,
                         NextStopWindow(now, utc_offset_minutes, calendar, hours, pref));
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  if (visit == StopKind::kPickup) {
    return PairWindows{w.day,
                       StopKind::kPickup,
                       w.start,
                       w.end,
                       StopKind::kHandin,
                       w.start,
                       absl::FromCivil(w.day + 1, tz)};
  }
  return PairWindows{w.day, StopKind::kCollect,  absl::FromCivil(w.day, tz),
                     w.end, StopKind::kDelivery, w.start,
                     w.end};
}

absl::Status OnCourierDayClosed(const VisitPreference& pref, absl::CivilDay closed) {
  if (!pref.day) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "pickup.day: the office is closed for couriers on ", absl::FormatCivilTime(closed)));
}

RouterInput BuildRouterInput(const std::string& day, int64_t version, absl::Time now,
                             int utc_offset_minutes, double office_latitude,
                             double office_longitude, const std::vector<PlanStop>& stops,
                             const std::vector<PlanCourier>& couriers) {
  RouterInput in;
  in.day = day;
  in.version = version;
  in.office_latitude = office_latitude;
  in.office_longitude = office_longitude;
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  absl::CivilDay civil;
  absl::ParseCivilTime(day, &civil);
  const absl::Time midnight = absl::FromCivil(civil, tz);
  auto sec = [&](absl::Time t) { return absl::ToDoubleSeconds(t - midnight); };

  std::map<int64_t, const PlanStop*> by_id;
  for (const PlanStop& s : stops) by_id[s.id] = &s;

  struct Where {
    double lat, lon;
    absl::Time since = absl::InfinitePast();
    absl::Time free_at = absl::InfinitePast();
  };
  std::map<int64_t, Where> position;   // courier -> where the last thing they did happened
  std::map<int64_t, int> office_load;  // courier -> bundles on board for the office
  std::map<int64_t, bool> on_route;
  for (const PlanCourier& c : couriers) on_route[c.id] = true;

  auto loaded = [&](int64_t id) -> const PlanStop* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  };
  // The bundle `holder` has on board (taken, or being taken) and `to`, where it goes next.
  auto carry = [&](int64_t holder, const PlanStop& to) {
    // Arrived at the other end is as good as done: nothing left to plan for this bundle.
    if (to.state != StopState::kPending && to.state != StopState::kPlanned) return;
    if (to.kind == StopKind::kHandin) {
      office_load[holder] += to.bundles;
      in.at_route_end.emplace_back(holder, to.id);
    } else {
      in.nodes.push_back({to.id, to.latitude, to.longitude, sec(to.window_start),
                          sec(to.window_end), absl::ToDoubleSeconds(to.service), -to.bundles, 0,
                          holder});
    }
  };
  for (const PlanStop& s : stops) {
    // A giving end whose bundle was taken before this day (a permit brought back, or a bundle
    // carried over from an earlier day) is on board with whoever holds it.
    if (!CourierTakes(s.kind) && loaded(s.partner_id) == nullptr) {
      if (std::optional<int64_t> holder = OnBoardWith(s)) carry(*holder, s);
    }
    if (s.courier_id == 0) continue;
    bool begun = s.state == StopState::kArrived || s.state == StopState::kDone ||
                 (s.state == StopState::kFailed && s.arrived_at.has_value());
    if (begun) {
      absl::Time t = s.completed_at.value_or(s.arrived_at.value_or(absl::InfinitePast()));
      Where& w = position.try_emplace(s.courier_id, Where{office_latitude, office_longitude})
                     .first->second;
      if (t >= w.since) {
        w = {s.latitude, s.longitude, t,
             s.state == StopState::kArrived ? t + s.service : absl::InfinitePast()};
      }
    }
    if (CourierTakes(s.kind) && (s.state == StopState::kDone || s.state == StopState::kArrived)) {
      if (const PlanStop* to = loaded(s.partner_id)) carry(s.courier_id, *to);
    }
  }
  // Pairs not begun are planned freely.
  for (const PlanStop& s : stops) {
    if (!CourierTakes(s.kind)) continue;
    if (s.state != StopState::kPending && s.state != StopState::kPlanned) continue;
    const PlanStop* to = loaded(s.partner_id);
    if (!to || (to->state != StopState::kPending && to->state != StopState::kPlanned)) continue;
    in.nodes.push_back({s.id, s.latitude, s.longitude, sec(s.window_start), sec(s.window_end),
                        absl::ToDoubleSeconds(s.service), s.bundles, to->id, 0});
    in.nodes.push_back({to->id, to->latitude, to->longitude, sec(to->window_start),
                        sec(to->window_end), absl::ToDoubleSeconds(to->service), -to->bundles, s.id,
                        0});
  }
  for (const PlanCourier& c : couriers) {
    RouterVehicle v;
    v.courier_id = c.id;
    v.capacity = std::max(0, c.capacity - office_load[c.id]);
    v.start_latitude = office_latitude;
    v.start_longitude = office_longitude;
    absl::Time start = std::max(c.shift_start, now);
    if (auto it = position.find(c.id); it != position.end()) {
      v.start_latitude = it->second.lat;
      v.start_longitude = it->second.lon;
      start = std::max(start, it->second.free_at);
    }
    v.start = sec(start);
    v.end = sec(c.shift_end);
    if (v.start >= v.end) continue;  // the shift is over: what they hold waits for tomorrow
    in.vehicles.push_back(v);
  }
  std::sort(in.nodes.begin(), in.nodes.end(),
            [](const RouterNode& a, const RouterNode& b) { return a.stop_id < b.stop_id; });
  return in;
}

CustodyChain BuildCustodyChain(const std::vector<CustodyEvent>& events) {
  CustodyChain chain;
  std::vector<std::string> items;
  std::map<std::string, std::vector<CustodyPeriod>> by_item;
  for (const CustodyEvent& e : events) {
    auto [it, fresh] = by_item.try_emplace(e.item);
    if (fresh) items.push_back(e.item);
    std::vector<CustodyPeriod>& periods = it->second;
    if (periods.empty()) {
      periods.push_back({e.item, e.from_holder, std::nullopt, e.at, ""});
    } else {
      CustodyPeriod& current = periods.back();
      if (current.holder != e.from_holder) {
        chain.complete = false;
        current.until = e.at;
        periods.push_back({e.item, e.from_holder, std::nullopt, e.at, ""});
      } else {
        current.until = e.at;
      }
    }
    periods.push_back({e.item, e.to_holder, e.at, std::nullopt, e.receiver_name});
  }
  for (const std::string& item : items) {
    for (CustodyPeriod& p : by_item[item]) chain.periods.push_back(std::move(p));
  }
  return chain;
}

ClinicCaseFollowUp DecideClinicCaseFollowUp(CaseState from, CaseState to, bool new_paper,
                                            const VisitPreference& requested_pickup,
                                            const WorkingCalendar& courier_calendar,
                                            absl::CivilDay today) {
  ClinicCaseFollowUp out;
  if (to == from) return out;
  switch (to) {
    case CaseState::kRevisionRequested:
      if (!new_paper) return out;
      // The originals go back for correction; the new paper is fetched from the next working day.
      out.return_documents = true;
      out.pickup = VisitPreference{courier_calendar.AddWorkingDays(today, 1), {}, {}};
      return out;
    case CaseState::kSubmitted:
      if (from == CaseState::kDraft) out.pickup = requested_pickup;  // only a first submission
      return out;
    case CaseState::kIssued:
      out.deliver_permit = true;
      return out;
    // Collected at the counter, delivered by hand, withdrawn or rejected: what no courier has
    // begun is not needed any more.
    case CaseState::kWithdrawn:
    case CaseState::kRejected:
    case CaseState::kRevoked:
    case CaseState::kCollected:
    case CaseState::kDelivered:
      out.cancel_open_stops = true;
      return out;
    default:
      return out;
  }
}

std::optional<int64_t> OnBoardWith(const PlanStop& stop, const PlanStop* partner) {
  if (stop.partner_id == 0) {
    if (stop.courier_id != 0) return stop.courier_id;
    return std::nullopt;
  }
  if (CourierTakes(stop.kind)) return std::nullopt;
  const std::optional<StopState> taken =
      partner ? std::optional(partner->state) : stop.partner_state;
  if (taken != StopState::kDone && taken != StopState::kArrived) return std::nullopt;
  return partner ? partner->courier_id
                 : stop.partner_courier_id;  // who took it, whatever the plan said
}

absl::StatusOr<std::vector<StopWrite>> DecideRoutePlan(absl::CivilDay day, int utc_offset_minutes,
                                                       const std::vector<PlanStop>& stops,
                                                       const std::vector<PlannedRoute>& routes) {
  const absl::Time midnight = absl::FromCivil(day, absl::FixedTimeZone(utc_offset_minutes * 60));
  std::map<int64_t, const PlanStop*> by_id;
  for (const PlanStop& s : stops) by_id.emplace(s.id, &s);
  auto holder_of = [&](const PlanStop& s) -> std::optional<int64_t> {
    const PlanStop* partner = nullptr;
    if (s.partner_id != 0) {
      if (auto p = by_id.find(s.partner_id); p != by_id.end()) partner = p->second;
    }
    return OnBoardWith(s, partner);
  };
  // A bundle on board for the office since an earlier day (a permit brought back that was not
  // handed in: its window opened before this day) is handed in first, at the office where the
  // route starts: a retry of its delivery collects it there.
  std::set<int64_t> routed;
  for (const PlannedRoute& route : routes) {
    for (const PlannedVisit& visit : route.visits) routed.insert(visit.stop_id);
  }
  std::map<int64_t, std::vector<const PlanStop*>> handed_in_first;
  for (const auto& [id, s] : by_id) {
    if (s->kind != StopKind::kHandin || s->window_start >= midnight || routed.count(id)) continue;
    if (s->state != StopState::kPending && s->state != StopState::kPlanned) continue;
    if (std::optional<int64_t> holder = holder_of(*s)) handed_in_first[*holder].push_back(s);
  }
  // Each courier's numbers go on after the stops they already began today (done, arrived at or
  // failed keep their numbers), so a finished stop never lists below one still to come.
  std::map<int64_t, int> last_sequence;
  for (const PlanStop& s : stops) {
    if (s.courier_id == 0 || s.state == StopState::kPending || s.state == StopState::kPlanned ||
        s.state == StopState::kCancelled) {
      continue;
    }
    int& last = last_sequence[s.courier_id];
    if (s.sequence < kLastOnRouteSequence) last = std::max(last, s.sequence);
  }
  std::vector<StopWrite> out;
  std::set<int64_t> visited;
  for (const auto& [holder, first] : handed_in_first) {
    absl::Time at = midnight;
    for (const PlannedRoute& route : routes) {
      if (route.courier_id == holder && !route.visits.empty()) {
        at = midnight + absl::Seconds(route.visits.front().start);
      }
    }
    for (const PlanStop* s : first) {
      visited.insert(s->id);
      StopWrite w;
      w.stop_id = s->id;
      w.courier_id = holder;
      w.sequence = ++last_sequence[holder];
      w.at = at;
      out.push_back(w);
    }
  }
  for (const PlannedRoute& route : routes) {
    for (const PlannedVisit& visit : route.visits) {
      auto it = by_id.find(visit.stop_id);
      if (it == by_id.end()) {
        return absl::InvalidArgumentError(absl::StrCat("route_plan: stop ", visit.stop_id,
                                                       " is not in ", absl::FormatCivilTime(day)));
      }
      visited.insert(visit.stop_id);
      StopWrite w;
      w.stop_id = visit.stop_id;
      w.courier_id = route.courier_id;
      w.sequence = ++last_sequence[route.courier_id];
      w.at = midnight + absl::Seconds(visit.start);
      // Deliveries are announced when the permit leaves the office (ConfirmStop of the collect),
      // and again when the plan of a later day carries them (their collect is not in this day).
      w.announce =
          it->second->kind == StopKind::kPickup ||
          (it->second->kind == StopKind::kDelivery && !by_id.count(it->second->partner_id));
      out.push_back(w);
    }
  }
  // Bundles on board for the office end their courier's route; everything else live that no
  // route took waits unplanned.
  for (const auto& [id, s] : by_id) {
    if (visited.count(id)) continue;
    if (s->state != StopState::kPending && s->state != StopState::kPlanned) continue;
    std::optional<int64_t> holder = holder_of(*s);
    StopWrite w;
    w.stop_id = id;
    if (holder && s->kind == StopKind::kHandin) {
      double end = 0;
      for (const PlannedRoute& route : routes) {
        if (route.courier_id == *holder) end = route.end;
      }
      w.courier_id = *holder;
      w.sequence = ++last_sequence[*holder];
      w.at = end > 0 ? midnight + absl::Seconds(end) : s->window_start;
      out.push_back(w);
      continue;
    }
    w.kind = StopWrite::Kind::kUnplan;
    w.keep_courier = holder.has_value();
    out.push_back(w);
  }
  return out;
}

std::pair<absl::Time, absl::Time> AnnouncedWindow(absl::Time window_start, absl::Time window_end,
                                                  absl::Time planned) {
  absl::Time start = absl::FromUnixSeconds((absl::ToUnixSeconds(planned) / 900) * 900);
  start = std::max(start, window_start);
  absl::Time end = std::min(start + absl::Hours(1), window_end);
  return {start, end};
}

absl::Status CheckHandoverDirection(int64_t stop_id, StopKind kind, bool taking) {
  if (CourierTakes(kind) == taking) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("stop ", stop_id, " is a ", std::string(StopKindName(kind)), ": ",
                   CourierTakes(kind) ? "take the bundle with `loket courier pickup`"
                                      : "hand the bundle over with `loket courier deliver`"));
}

absl::Status CheckBundleTaken(const PlanStop& stop, const PlanStop* partner) {
  if (stop.partner_id == 0) return absl::OkStatus();  // on board since an earlier stop
  if (partner == nullptr || partner->state != StopState::kDone ||
      partner->courier_id != stop.courier_id) {
    return absl::FailedPreconditionError(absl::StrCat("stop ", stop.id,
                                                      ": the bundle was not taken yet (stop ",
                                                      stop.partner_id, " comes first)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Handover> DecideHandover(const HandoverReport& r, const PlanStop* partner,
                                        std::optional<CaseState> case_state, absl::CivilDay today) {
  const PlanStop& stop = r.stop;
  LOKET_RETURN_IF_ERROR(CheckHandoverDirection(stop.id, stop.kind, r.taking));
  LOKET_RETURN_IF_ERROR(
      CheckStopState(stop.id, stop.state, {StopState::kPlanned, StopState::kArrived}, "confirm"));
  LOKET_RETURN_IF_ERROR(
      CheckCourierReport(stop.id, stop.kind, stop.state, r.day, today, /*confirming=*/true));
  if (!r.taking) LOKET_RETURN_IF_ERROR(CheckBundleTaken(stop, partner));
  const bool permit = r.item == "permit";
  // A revoked permit goes to nobody, but it may come back: its hand-in at the office (after a
  // failed delivery) is taken, or the courier would be left holding it.
  if (permit && case_state == CaseState::kRevoked && stop.kind != StopKind::kHandin) {
    return absl::FailedPreconditionError(absl::StrCat(
        "case ", r.case_id,
        ": the permit was revoked; do not hand it over: report this stop failed (reason "
        "other) and bring the permit back to the office"));
  }
  Handover out;
  std::string courier = absl::StrCat("courier:", stop.courier_id);
  std::string place = AtOffice(stop.kind)   ? "office"
                      : r.clinic_id.empty() ? "applicant"
                                            : "clinic:" + r.clinic_id;
  out.from_holder = r.taking ? place : courier;
  out.to_holder = r.taking ? courier : place;
  if (stop.kind == StopKind::kDelivery && permit && case_state == CaseState::kIssued) {
    out.delivered_note = absl::StrCat("by courier to ", r.receiver);
  }
  out.announce_delivery = stop.kind == StopKind::kCollect && stop.partner_id != 0;
  return out;
}

absl::Status CheckOfficerCancel(int64_t stop_id, StopKind kind, int64_t partner_id,
                                std::optional<StopState> partner_state,
                                const std::string& courier_name, const std::string& item) {
  bool on_board = !CourierTakes(kind) && (partner_id == 0 || partner_state == StopState::kDone);
  if (!on_board) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("stop ", stop_id, ": courier ", courier_name.empty() ? "-" : courier_name,
                   " holds the ", item, "; it is handed over or reported failed, not cancelled"));
}

OfficerCancel PlanOfficerCancel(const StopOnDay& stop, const std::optional<StopOnDay>& partner) {
  OfficerCancel out{{stop.id}, {stop.day}};
  if (partner) {
    out.cancel.push_back(partner->id);
    out.replan.insert(partner->day);
  }
  return out;
}

absl::Status CheckFailReport(const std::string& reason, std::string_view note) {
  static const std::set<std::string> kReasons = {"clinic_closed", "documents_not_ready",
                                                 "nobody_to_receive", "address_not_found", "other"};
  if (!kReasons.count(reason)) {
    return absl::InvalidArgumentError(
        "reason: one of clinic_closed, documents_not_ready, nobody_to_receive, "
        "address_not_found, other");
  }
  return ValidateText(note, "note", 500, reason == "other");
}

absl::Status CheckCanFail(const PlanStop& stop,
                          const std::function<std::optional<PlanStop>()>& partner_of,
                          absl::CivilDay stop_day, absl::CivilDay today) {
  if (stop.kind == StopKind::kHandin) {
    return absl::FailedPreconditionError(absl::StrCat(
        "stop ", stop.id, " is a hand-in at the office: give the bundle to the duty officer"));
  }
  LOKET_RETURN_IF_ERROR(
      CheckStopState(stop.id, stop.state, {StopState::kPlanned, StopState::kArrived}, "fail"));
  LOKET_RETURN_IF_ERROR(
      CheckCourierReport(stop.id, stop.kind, stop.state, stop_day, today, /*confirming=*/false));
  if (stop.kind != StopKind::kDelivery) return absl::OkStatus();
  const std::optional<PlanStop> partner = partner_of();
  return CheckBundleTaken(stop, partner ? &*partner : nullptr);
}

FailedStopFollowUp DecideFailedStop(StopKind kind, bool has_partner, const std::string& reason,
                                    const std::string& note,
                                    const WorkingCalendar& courier_calendar, absl::Time now,
                                    int utc_offset_minutes, bool permit_revoked) {
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  const absl::CivilDay today = absl::ToCivilDay(now, tz);
  FailedStopFollowUp out;
  out.failure_reason = note.empty() ? reason : absl::StrCat(reason, ": ", note);
  out.retry_on.day = courier_calendar.AddWorkingDays(today, 1);
  switch (kind) {
    case StopKind::kPickup:
      out.cancel_partner = has_partner;
      out.retry = FailedStopFollowUp::Retry::kPickup;
      break;
    case StopKind::kDelivery:
      // The permit rides back to the office today, then out again.
      out.return_to_office =
          FailedStopFollowUp::ReturnToOffice{now, absl::FromCivil(today + 1, tz)};
      out.retry = FailedStopFollowUp::Retry::kDelivery;
      break;
    case StopKind::kCollect:
      out.cancel_partner = has_partner;
      out.retry = FailedStopFollowUp::Retry::kDelivery;
      break;
    case StopKind::kHandin:
      break;
  }
  if (permit_revoked) out.retry = FailedStopFollowUp::Retry::kNone;
  return out;
}

absl::CivilDay NextCourierDay(absl::CivilDay closed, const WorkingCalendar& courier_calendar) {
  return courier_calendar.AddWorkingDays(closed, 1);  // always after `closed`
}

absl::Status NormalizeCourierProfile(CourierProfile& c) {
  LOKET_ASSIGN_OR_RETURN(std::string name, NormalizePersonName(c.name, "name"));
  c.name = name;
  if (!c.phone.empty()) {
    LOKET_ASSIGN_OR_RETURN(std::string phone, NormalizePhone(c.phone, "phone"));
    c.phone = phone;
  }
  if (c.capacity < 1 || c.capacity > 200) {
    return absl::InvalidArgumentError("capacity: 1..200 document bundles");
  }
  if (c.shift_starts.empty()) c.shift_starts = "08:00";
  if (c.shift_ends.empty()) c.shift_ends = "16:00";
  LOKET_ASSIGN_OR_RETURN(int starts, ParseClockMinutes(c.shift_starts, "shift_starts"));
  LOKET_ASSIGN_OR_RETURN(int ends, ParseClockMinutes(c.shift_ends, "shift_ends"));
  if (starts >= ends) return absl::InvalidArgumentError("shift_ends: after shift_starts");
  // Stored and answered as HH:MM, not as typed (" 07:30").
  c.shift_starts = FormatClockMinutes(starts);
  c.shift_ends = FormatClockMinutes(ends);
  return absl::OkStatus();
}

absl::StatusOr<ShiftHours> DecideShiftHours(bool off, std::string_view starts,
                                            std::string_view ends) {
  if (off) return ShiftHours{0, 1};
  LOKET_ASSIGN_OR_RETURN(int a, ParseClockMinutes(starts, "starts"));
  LOKET_ASSIGN_OR_RETURN(int b, ParseClockMinutes(ends, "ends"));
  if (a >= b) return absl::InvalidArgumentError("ends: after starts");
  return ShiftHours{a, b};
}

std::optional<PlanCourier> CourierOnShift(int64_t id, const std::string& name, int capacity,
                                          std::string_view starts, std::string_view ends,
                                          bool hours_for_the_day, absl::CivilDay day,
                                          const WorkingCalendar& calendar, int utc_offset_minutes) {
  if (!hours_for_the_day && !calendar.IsWorkingDay(day)) return std::nullopt;
  absl::StatusOr<int> a = ParseClockMinutes(starts, "shift");
  absl::StatusOr<int> b = ParseClockMinutes(ends, "shift");
  if (!a.ok() || !b.ok()) return std::nullopt;
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  return PlanCourier{id, name, capacity, absl::FromCivil(absl::CivilMinute(day) + *a, tz),
                     absl::FromCivil(absl::CivilMinute(day) + *b, tz)};
}

absl::Status CheckPickupPlace(std::string_view place, std::string_view address, double latitude,
                              double longitude) {
  if (place.empty()) return absl::InvalidArgumentError("pickup.place: required");
  if (address.empty()) return absl::InvalidArgumentError("pickup.address: required");
  if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180) ||
      (latitude == 0 && longitude == 0)) {
    return absl::InvalidArgumentError("pickup.latitude/longitude: the place's coordinates");
  }
  return absl::OkStatus();
}

}  // namespace loket::domain
