// Admin: the office calendar (AppointmentService GetOfficeHours / SetOfficeHours / GenerateSlots /
// CloseCounter / CloseDay). The hours form starts from the week as saved; an office that never saved
// one starts from a suggestion, and the form says so.
import { useEffect, useState } from "preact/hooks";
import type { CounterStatus } from "@gen/loket/v1/queue_pb.js";
import type { OfficeHours as Hours } from "@gen/loket/v1/appointment_pb.js";
import { clients } from "../api";
import { useActions, officeToday } from "./counter-actions";
import { InputField, SubmitWithStatus, SureCheck } from "./admin-form";
import { ClockInput } from "../clock-input";
import type { T } from "./admin";

type DayRow = { weekday: number; open: boolean; opens: string; closes: string };

/** A suggestion for an office that never saved its hours. */
const SEED: DayRow[] = [1, 2, 3, 4, 5, 6, 7].map((d) => ({
  weekday: d,
  open: d <= 5,
  opens: "08:00",
  closes: d === 5 ? "11:30" : "15:00",
}));

/** The week's rows from saved hours: a weekday not listed is closed. */
function rowsOf(hours: Hours[]): DayRow[] {
  return SEED.map((s) => {
    const h = hours.find((x) => x.weekday === s.weekday);
    return h ? { weekday: s.weekday, open: true, opens: h.opens, closes: h.closes } : { ...s, open: false };
  });
}

function addDays(ymd: string, n: number): string {
  const d = new Date(`${ymd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The office's counters, from one WatchQueue snapshot (there is no list call). */
async function loadCounters(): Promise<CounterStatus[]> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 10000);
  try {
    for await (const u of clients.queue.watchQueue({}, { signal: ctl.signal })) {
      if (u.board) return u.board.counters;
    }
    return [];
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
}

export function CalendarSection({ t }: { t: T }) {
  const [counters, setCounters] = useState<CounterStatus[]>([]);
  useEffect(() => {
    loadCounters()
      .then(setCounters)
      .catch(() => undefined);
  }, []);
  return (
    <section aria-labelledby="admin-cal-h">
      <h2 id="admin-cal-h">{t("admin.tab.calendar")}</h2>
      <OfficeHours t={t} />
      <div class="admin-grid">
        <Generate t={t} />
        <Closing t={t} counters={counters} />
        <Closing t={t} />
      </div>
    </section>
  );
}

function OfficeHours({ t }: { t: T }) {
  const act = useActions(t);
  const [rows, setRows] = useState<DayRow[]>(SEED);
  const [slot, setSlot] = useState("30");
  const [cap, setCap] = useState("12");
  const [reserved, setReserved] = useState("3");
  // "loading", "saved" (the form shows the week as saved), "suggested" (nothing saved yet) or
  // "edited" (changed here and not saved: an admin who leaves now has changed nothing).
  const [source, setSource] = useState<"loading" | "saved" | "suggested" | "edited">("loading");
  const edited = () => setSource((s) => (s === "loading" ? s : "edited"));
  const editing = (set: (v: string) => void) => (v: string) => {
    set(v);
    edited();
  };
  const show = (hours: Hours[]) => {
    setRows(rowsOf(hours));
    if (hours.length) {
      setSlot(String(hours[0].slotMinutes));
      setCap(String(hours[0].capacity));
      setReserved(String(hours[0].reservedPriority));
    }
  };
  useEffect(() => {
    clients.appointment
      .getOfficeHours({})
      .then((r) => {
        if (r.hours.length) show(r.hours);
        setSource(r.hours.length ? "saved" : "suggested");
      })
      .catch(() => setSource("suggested"));
  }, []);
  const update = (i: number, patch: Partial<DayRow>) => {
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    edited();
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const hours = rows
      .filter((r) => r.open)
      .map((r) => ({ weekday: r.weekday, opens: r.opens, closes: r.closes, slotMinutes: Number(slot), capacity: Number(cap), reservedPriority: Number(reserved) }));
    const r = await act.run(`hours:${JSON.stringify(hours)}`, (rid) => clients.appointment.setOfficeHours({ requestId: rid, hours }), (r) =>
      t("admin.hoursSet", { n: r.hours.length }),
    );
    if (r) {
      show(r.hours);
      setSource("saved");
    }
  };
  return (
    <form class="admin-card" onSubmit={submit} aria-labelledby="admin-hours-h" data-hours={source}>
      <h3 id="admin-hours-h">{t("admin.hours")}</h3>
      <p class="hint" id="admin-hours-hint">
        {t("admin.hoursHint")} {source === "loading" ? "" : t(`admin.hours_${source}`)}
      </p>
      <div class="pb-table-wrap">
        <table class="pb-table admin-hours" aria-describedby="admin-hours-hint">
          <thead>
            <tr>
              <th scope="col">{t("admin.weekday")}</th>
              <th scope="col">{t("admin.open")}</th>
              <th scope="col">{t("admin.opens")}</th>
              <th scope="col">{t("admin.closes")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.weekday}>
                <th scope="row">{t(`weekday.${r.weekday}`)}</th>
                <td>
                  <input type="checkbox" aria-label={`${t("admin.open")}: ${t(`weekday.${r.weekday}`)}`} checked={r.open} onChange={(e) => update(i, { open: (e.target as HTMLInputElement).checked })} />
                </td>
                <td>
                  <ClockInput aria-label={`${t("admin.opens")}: ${t(`weekday.${r.weekday}`)}`} disabled={!r.open} value={r.opens} onValue={(v) => update(i, { opens: v })} />
                </td>
                <td>
                  <ClockInput end aria-label={`${t("admin.closes")}: ${t(`weekday.${r.weekday}`)}`} disabled={!r.open} value={r.closes} onValue={(v) => update(i, { closes: v })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pb-row">
        <InputField label={t("admin.slotMinutes")} type="number" min="5" max="240" required value={slot} onValue={editing(setSlot)} />
        <InputField label={t("admin.slotCapacity")} type="number" min="1" max="500" required value={cap} onValue={editing(setCap)} />
        <InputField label={t("admin.reserved")} type="number" min="0" max="500" required value={reserved} onValue={editing(setReserved)} />
      </div>
      <SubmitWithStatus act={act} label={t("admin.hoursGo")} />
    </form>
  );
}

function Generate({ t }: { t: T }) {
  const act = useActions(t);
  const [from, setFrom] = useState(officeToday());
  const [to, setTo] = useState(addDays(officeToday(), 28));
  const submit = async (e: Event) => {
    e.preventDefault();
    await act.run(`gen:${from}:${to}`, (rid) => clients.appointment.generateSlots({ requestId: rid, from, to }), (r) => (r.created > 0 ? t("admin.generated", { n: r.created }) : t("admin.generatedNone")));
  };
  return (
    <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="admin-gen-h">
      <h3 id="admin-gen-h">{t("admin.generate")}</h3>
      <InputField label={t("admin.from")} type="date" required value={from} onValue={setFrom} />
      <InputField label={t("admin.to")} type="date" required value={to} onValue={setTo} />
      <SubmitWithStatus act={act} label={t("admin.generateGo")} />
    </form>
  );
}

/** Closes a day for the whole office or, given the counters, for one counter; loketd moves the
 * bookings it displaces and the status line says how many and to which day. */
function Closing({ t, counters }: { t: T; counters?: CounterStatus[] }) {
  const act = useActions(t);
  const [counter, setCounter] = useState("");
  const [day, setDay] = useState(officeToday());
  const [reason, setReason] = useState("");
  const [sure, setSure] = useState(false);
  const oneCounter = counters !== undefined;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!sure) return;
    const close = (rid: string) =>
      oneCounter
        ? clients.appointment.closeCounter({ requestId: rid, counterId: counter, day, reason: reason.trim() })
        : clients.appointment.closeDay({ requestId: rid, day, reason: reason.trim() });
    const key = oneCounter ? `closecounter:${counter}:${day}:${reason}` : `closeday:${day}:${reason}`;
    const r = await act.run(key, close, (r) => t("admin.closed", { n: r.displaced, day: r.reallocDay || day }));
    if (r) setSure(false);
  };
  const h = oneCounter ? "admin-cc-h" : "admin-cd-h";
  return (
    <form class="pb-form admin-card" onSubmit={submit} aria-labelledby={h}>
      <h3 id={h}>{oneCounter ? t("admin.closeCounter") : t("admin.closeDay")}</h3>
      {oneCounter ? (
        <label class="pb-field">
          <span>{t("admin.counter")}</span>
          <select required value={counter} onChange={(e) => setCounter((e.target as HTMLSelectElement).value)}>
            <option value="">{t("admin.counterPick")}</option>
            {counters.map((c) => (
              <option value={c.id} key={c.id}>
                {c.name} ({c.id})
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <InputField label={t("admin.day")} type="date" required value={day} onValue={setDay} />
      <InputField label={t("admin.reason")} required value={reason} onValue={setReason} />
      <SureCheck t={t} sure={sure} onSure={setSure} />
      <SubmitWithStatus act={act} label={oneCounter ? t("admin.closeCounterGo") : t("admin.closeDayGo")} danger />
    </form>
  );
}
