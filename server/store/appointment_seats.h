// Private to store/: a slot's row (its columns and their one mapping, for the appointments and the
// public listing), taking a seat, and ending a booked appointment inside another change's
// transaction (a cancellation here; for the queue side, a redirect or a no-show called at the
// counter). Keeps slots.booked equal to the slot's live appointments, withdraws the reminders not
// yet sent, and offers the freed seat to the day's waitlist.
#ifndef LOKET_SERVER_STORE_APPOINTMENT_SEATS_H_
#define LOKET_SERVER_STORE_APPOINTMENT_SEATS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/store/appointment_repository.h"
#include "server/store/columns.h"

namespace pqxx {
class row;
}

namespace loket::store {

class Tx;

// A slot's columns: its seats as the rules see them, its day and end (SlotRecord).
inline constexpr auto kSlotColumns = MakeColumns({{"id"},
                                                  {"day", "day::text"},
                                                  {"starts_at", "starts_at::text"},
                                                  {"ends_at", "ends_at::text"},
                                                  {"capacity"},
                                                  {"reserved_priority"},
                                                  {"booked"},
                                                  {"booked_priority"},
                                                  {"closed"}});
// A row of kSlotColumns.
SlotRecord SlotFromRow(const pqxx::row& row);

// Moves appointment `appointment_id` of `office_id` from booked to `new_state` (cancelled,
// no_show or redirected) and frees its seat. Returns the slot's day ("YYYY-MM-DD"), or nullopt
// when the appointment is not booked (nothing changes).
std::optional<std::string> EndBookedAppointmentInTx(Tx& tx, const std::string& office_id,
                                                    int64_t appointment_id,
                                                    const std::string& new_state);

// Moves checked-in appointment `appointment_id` to `new_state` (served, or no_show when called at
// the counter and not there). Its seat is freed, and offered to the day's waitlist, only while its
// slot has not begun at `now`: a visitor served early leaves room for the slot; one whose slot
// has begun held the seat for it. Nothing changes when the appointment is not checked in.
void EndCheckedInAppointmentInTx(Tx& tx, const std::string& office_id, int64_t appointment_id,
                                 const std::string& new_state, absl::Time now);

// Adds a seat to slot `slot_id` (a priority one when `priority`) unless the slot is full: the
// UPDATE carries its own guard (booked < capacity), so the database refuses a full slot even where
// the caller's check (domain::SeatOpenTo, under the slot's lock) were wrong. false: full, nothing
// changed (the same outcome as the check's "no").
bool TakeSeatInTx(Tx& tx, int64_t slot_id, bool priority);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_APPOINTMENT_SEATS_H_
