// Appointments for the clinic's health workers (Spontan): a request with up to five preferred
// time ranges on one day (office time, WITA), allocated by loket-scheduler; the day's list.
import { useEffect, useRef, useState } from "preact/hooks";
import { AppointmentRequestState, type AppointmentRequest } from "@gen/loket/v1/appointment_pb.js";
import { PriorityClass } from "@gen/loket/v1/common_pb.js";
import { Page } from "../layout";
import { useT, formatDate, isClock, officeClock, officeToday, OFFICE_OFFSET_MIN } from "../i18n";
import { clients, errorText, fieldOf, messageAfterField, newRequestId } from "../api";
import { enqueue, refusalOf, sendNow, startOutbox, removeEntry, useOutbox } from "../outbox";
import type { RouteProps } from "../router";
import { clinicStrings } from "./clinic.i18n";
import { caseStrings, permitName, usePermitTypes } from "./case-parts";
import { clinicNav, OutboxPanel } from "./clinic-common";
import { Field, PermitTypeField } from "./clinic-new";
import { problemText } from "../server-text";
import { NIK_INPUT_MAX, nikTyped } from "../nik";
import { ClockInput } from "../clock-input";
import { DateInput } from "../date-input";

/** "2026-12-01" + "09:30" office time -> "2026-12-01T01:30:00Z". */
export function officeToUtc(day: string, hhmm: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const [hh, mm] = hhmm.split(":").map(Number);
  const ms = Date.UTC(y, m - 1, d, hh, mm) - OFFICE_OFFSET_MIN * 60000;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function tomorrow(): string {
  const d = new Date(Date.now() + OFFICE_OFFSET_MIN * 60000 + 86400000);
  return d.toISOString().slice(0, 10);
}

const FIELD_MAP: Record<string, string> = {
  service: "service",
  "applicant.nik": "nik",
  "applicant.name": "name",
  "applicant.phone": "phone",
  windows: "w0-from",
  day: "day",
  case_id: "caseId",
};

export default function ClinicBook(_props: RouteProps) {
  const t = useT(clinicStrings, caseStrings);
  const types = usePermitTypes();
  const [service, setService] = useState("");
  const [nik, setNik] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [day, setDay] = useState(tomorrow());
  const [windows, setWindows] = useState<{ from: string; to: string }[]>([{ from: "09:00", to: "10:00" }]);
  const [caseId, setCaseId] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ kind: "ok" | "warn" | "bad"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [listDay, setListDay] = useState(tomorrow());
  const [list, setList] = useState<AppointmentRequest[] | null>(null);
  const [listError, setListError] = useState("");
  const sent = useOutbox().filter((e) => e.status === "sent").length;

  useEffect(() => startOutbox(), []);

  // Loads overlap (a booking switches the day while the outbox's count changes): only the answer to
  // the newest load may replace the list, or an older day's answer could land last.
  const loadSeq = useRef(0);
  async function loadList(forDay = listDay) {
    const seq = ++loadSeq.current;
    try {
      const r = await clients.appointment.listAppointmentRequests({ day: forDay, pageSize: 200 });
      if (seq !== loadSeq.current) return;
      setList(r.requests);
      setListError("");
    } catch (err) {
      if (seq !== loadSeq.current) return;
      setListError(errorText(err, t));
    }
  }
  useEffect(() => {
    void loadList();
  }, [listDay, sent]);

  async function submit(e: Event) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!service) errs.service = t("v.permitType");
    if (!/^\d{16}$/.test(nik.trim())) errs.nik = t("v.nik");
    if (name.trim().length < 2) errs.name = t("v.name");
    if (!/^(\+62|62|0)[1-9]\d{7,11}$/.test(phone.replace(/[\s-]/g, ""))) errs.phone = t("v.phone");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) errs.day = t("v.required");
    const ws = windows.filter((w) => w.from || w.to);
    if (ws.length === 0) errs["w0-from"] = t("v.windows");
    ws.forEach((w, i) => {
      if (!isClock(w.from)) errs[`w${i}-from`] = t("v.time");
      if (!isClock(w.to)) errs[`w${i}-to`] = t("v.time");
    });
    if (caseId && !/^\d+$/.test(caseId)) errs.caseId = t("v.required");
    setErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById(Object.keys(errs)[0])?.focus();
      return;
    }
    setBusy(true);
    setMsg(null);
    try {
      const rid = newRequestId();
      const entry = await enqueue({
        id: rid,
        kind: "appointment",
        label: `${name.trim()} · ${formatDate(day)}`,
        docs: [],
        book: {
          requestId: rid,
          service,
          applicant: { nik: nik.trim(), name: name.trim(), phone: phone.trim(), email: "", priorityClass: PriorityClass.HEALTH_WORKER, accessibilityNeeds: [], language: "id" },
          windows: ws.map((w) => ({ startsAt: officeToUtc(day, w.from), endsAt: officeToUtc(day, w.to) })),
          caseId: caseId || undefined,
        },
      });
      const after = await sendNow(entry.id);
      if (after?.status === "sent") {
        setMsg({ kind: "ok", text: t("book.sent", { id: after.appointmentId ?? "" }) });
        setNik("");
        setName("");
        setPhone("");
        setListDay(day);
        void loadList(day);
      } else if (after?.status === "failed") {
        await removeEntry(after.id);
        const err = refusalOf(after);
        const f = fieldOf(err);
        const mapped = f ? FIELD_MAP[f] ?? (f.startsWith("windows") ? "w0-from" : undefined) : undefined;
        if (mapped) setErrors({ [mapped]: problemText(messageAfterField(err), t) });
        setMsg({ kind: "bad", text: errorText(err, t) });
      } else {
        setMsg({ kind: "warn", text: t("book.queued") });
      }
    } catch (err) {
      setMsg({ kind: "bad", text: errorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  async function cancel(r: AppointmentRequest) {
    try {
      await clients.appointment.cancelAppointmentRequest({ requestId: newRequestId(), id: r.id, etag: r.etag });
      setMsg({ kind: "ok", text: t("book.cancelled") });
      void loadList();
    } catch (err) {
      setMsg({ kind: "bad", text: errorText(err, t) });
    }
  }

  return (
    <Page title={t("book.title")} nav={clinicNav(t)}>
      <p>{t("book.intro")}</p>
      <form onSubmit={submit} noValidate>
        <PermitTypeField id="service" label={t("book.service")} choose={t("new.choose")} error={errors.service} value={service} onValue={setService} types={types} />
        <Field id="nik" label={t("new.nik")} hint={t("new.nikHint")} error={errors.nik}>
          {(a) => <input {...a} type="text" inputMode="numeric" maxLength={NIK_INPUT_MAX} autoComplete="off" value={nik} onInput={(e) => setNik(nikTyped(e.currentTarget.value))} />}
        </Field>
        <Field id="name" label={t("new.name")} error={errors.name}>
          {(a) => <input {...a} type="text" autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field id="phone" label={t("new.phone")} hint={t("new.phoneHint")} error={errors.phone}>
          {(a) => <input {...a} type="tel" autoComplete="off" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
        </Field>
        <Field id="day" label={t("book.day")} error={errors.day}>
          {(a) => <DateInput {...a} min={officeToday()} value={day} onInput={(e) => setDay(e.currentTarget.value)} />}
        </Field>
        <fieldset>
          <legend>{t("book.windows")}</legend>
          {windows.map((w, i) => (
            <div class="row" key={i} role="group" aria-label={t("book.window", { n: i + 1 })}>
              <Field id={`w${i}-from`} label={`${t("book.window", { n: i + 1 })}: ${t("book.from")}`} error={errors[`w${i}-from`]}>
                {(a) => <ClockInput {...a} value={w.from} onValue={(v) => setWindows(windows.map((x, j) => (j === i ? { ...x, from: v } : x)))} />}
              </Field>
              <Field id={`w${i}-to`} label={`${t("book.window", { n: i + 1 })}: ${t("book.to")}`} error={errors[`w${i}-to`]}>
                {(a) => <ClockInput {...a} value={w.to} onValue={(v) => setWindows(windows.map((x, j) => (j === i ? { ...x, to: v } : x)))} />}
              </Field>
              {windows.length > 1 && (
                <button type="button" class="small secondary" onClick={() => setWindows(windows.filter((_, j) => j !== i))}>
                  {t("book.removeWindow", { n: i + 1 })}
                </button>
              )}
            </div>
          ))}
          {windows.length < 5 && (
            <button type="button" class="small secondary" onClick={() => setWindows([...windows, { from: "", to: "" }])}>
              {t("book.addWindow")}
            </button>
          )}
        </fieldset>
        <Field id="caseId" label={t("book.caseId")} error={errors.caseId}>
          {(a) => <input {...a} type="text" inputMode="numeric" value={caseId} onInput={(e) => setCaseId(e.currentTarget.value)} />}
        </Field>
        <div role="status" aria-live="polite">
          {msg && <p class={`notice ${msg.kind}`}>{msg.text}</p>}
        </div>
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? t("new.sending") : t("book.submit")}
          </button>
        </div>
      </form>

      <h2>{t("book.list", { day: formatDate(listDay) })}</h2>
      <label for="list-day">{t("book.listDay")}</label>
      <DateInput id="list-day" value={listDay} onInput={(e) => e.currentTarget.value && setListDay(e.currentTarget.value)} />
      <div role="status" aria-live="polite">
        {listError && <p class="notice bad">{listError}</p>}
      </div>
      {list && list.length === 0 && <p>{t("book.none")}</p>}
      {list && list.length > 0 && (
        <ul class="cards" data-testid="appointments">
          {list.map((r) => (
            <li class="card" key={String(r.id)}>
              <div class="spread">
                <strong>
                  #{String(r.id)} · {r.applicant?.name} · {permitName(r.service, types)}
                </strong>
                <span class="badge">{t("book.state." + (AppointmentRequestState[r.state] ?? "PENDING"))}</span>
              </div>
              {r.appointment && r.appointment.code && (
                <p>{t("book.code", { code: r.appointment.code, from: officeClock(r.appointment.startsAt), to: officeClock(r.appointment.endsAt) })}</p>
              )}
              {r.state !== AppointmentRequestState.CANCELLED && (
                <button type="button" class="small secondary" onClick={() => void cancel(r)}>
                  {t("book.cancel")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <OutboxPanel t={t} showSent={false} />
    </Page>
  );
}
