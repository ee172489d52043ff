#include "server/domain/public_booking.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/domain/validation.h"

namespace loket::domain {

int AgeOn(absl::CivilDay born, absl::CivilDay on) {
  int age = static_cast<int>(on.year() - born.year());
  if (on.month() < born.month() || (on.month() == born.month() && on.day() < born.day())) --age;
  return age;
}

PriorityClass PublicPriority(std::string_view nik, absl::CivilDay visit_day, bool disability) {
  if (disability) return PriorityClass::kDisability;
  std::optional<absl::CivilDay> born = BirthDateFromNik(nik, visit_day);
  if (born && AgeOn(*born, visit_day) >= 60) return PriorityClass::kElderly;
  return PriorityClass::kNone;
}

Availability PublicAvailability(const SlotSeats& s, absl::Time now, absl::Duration release_before) {
  const int left = SeatsLeftTo(s, /*priority=*/false, now, release_before);
  if (left == 0) return Availability::kFull;
  // The seats open to the public: those left and every booking, priority ones too (a priority
  // booking past the reserved seats took a general one).
  if (left * 4 <= left + s.booked) return Availability::kFewLeft;
  return Availability::kOpen;
}

namespace {

bool AllDigitsOfLength(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidatePhoneCode(std::string_view code) {
  if (!AllDigitsOfLength(code, 6)) return absl::InvalidArgumentError("code: 6 digits");
  return absl::OkStatus();
}

absl::Status ValidatePhoneLast4(std::string_view last4) {
  if (!AllDigitsOfLength(last4, 4)) {
    return absl::InvalidArgumentError("phone_last4: the last 4 digits of the phone number");
  }
  return absl::OkStatus();
}

std::string NormalizePublicCode(std::string_view code, size_t max_len) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return "";
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    if (out.size() > max_len) return "";
  }
  return out;
}

bool PhoneLimitApplies(Role booker) { return booker == Role::kPublic; }

absl::Status CheckPhoneLimit(int64_t held, int limit) {
  if (held < limit) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("applicant.phone: already holds ", limit,
                   " live bookings (the limit per phone); cancel one first"));
}

Notification PhoneCodeMessage(const std::string& phone, const std::string& name,
                              const std::string& language, const std::string& code) {
  Notification n;
  n.channel = NotificationChannel::kWebhook;
  n.address = phone;
  n.recipient_name = name;
  n.language = language;
  n.template_id = "booking.code";
  n.params = {{"code", code},
              {"name", name},
              {"minutes", absl::StrCat(absl::ToInt64Minutes(kPhoneCodeLifetime))}};
  n.urgent = true;
  return n;
}

PhoneCodeAttempt CheckPhoneCode(bool awaiting_code, absl::Time code_expires_at, absl::Time now,
                                int tries_left, bool code_matches) {
  PhoneCodeAttempt a;
  a.tries_left = tries_left;
  if (!awaiting_code) {
    a.check = PhoneCodeCheck::kNotAwaiting;
  } else if (code_expires_at <= now) {
    a.check = PhoneCodeCheck::kExpired;
  } else if (!code_matches) {
    a.uses_try = true;
    a.tries_left = tries_left - 1;
    a.ends_booking = a.tries_left <= 0;
    a.check = a.ends_booking ? PhoneCodeCheck::kNoTriesLeft : PhoneCodeCheck::kWrong;
  } else {
    a.check = PhoneCodeCheck::kMatch;
  }
  return a;
}

PublicLimit LimitFor(PublicCallKind kind) {
  switch (kind) {
    case PublicCallKind::kRead:
      return {120, 60};
    case PublicCallKind::kGuess:
      return {10, 10};
    case PublicCallKind::kWrite:
      return {6, 6};
  }
  return {10, 10};
}

}  // namespace loket::domain
