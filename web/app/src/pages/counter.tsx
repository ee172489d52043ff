// The counter clerk's page (/#/counter): the counter they sit at, the ticket it serves with
// call next / recall / skip / no-show / done / transfer (keyboard N R S X D T), check-in with the
// health screening and walk-in tickets, a failed screening's redirect, and the waiting list.
import { useEffect, useRef, useState } from "preact/hooks";
import { Lane, TicketState, RedirectHandling, type Ticket, type CheckInResponse, type Visit } from "@gen/loket/v1/queue_pb.js";
import { PriorityClass } from "@gen/loket/v1/common_pb.js";
import type { PermitType } from "@gen/loket/v1/catalog_pb.js";
import type { Clinic } from "@gen/loket/v1/admin_pb.js";
import { clients } from "../api";
import { useT } from "../i18n";
import { Page } from "../layout";
import { useActions, officeClock, typingTarget } from "./counter-actions";
import { ColumnHeads, ScreeningFields, ServiceSelect, StatusLine, parseTemperature } from "./counter-ui";
import { useQueueWatch } from "./board-stream";
import { TicketSlip, printTicket } from "./kiosk-ticket";
import { counterCatalog } from "./counter.i18n";
import "./counter.css";
import { problemText } from "../server-text";
import "./staff-words.i18n"; // the counter, kiosk and courier words for loketd's messages
import { NIK_INPUT_MAX, nikTyped } from "../nik";

const COUNTER_KEY = "loket.counter";

function storedCounter(): string {
  try {
    return localStorage.getItem(COUNTER_KEY) ?? "";
  } catch {
    return "";
  }
}

export const PRIORITIES: [PriorityClass, string][] = [
  [PriorityClass.NONE, "NONE"],
  [PriorityClass.ELDERLY, "ELDERLY"],
  [PriorityClass.DISABILITY, "DISABILITY"],
  [PriorityClass.HEALTH_WORKER, "HEALTH_WORKER"],
];

export function laneKey(l: Lane): string {
  return `lane.${Lane[l] ?? "UNSPECIFIED"}`;
}

/** Permit types for the walk-in service choice (cached for the page's life). */
let permitTypesCache: PermitType[] | undefined;
export function usePermitTypes(): PermitType[] {
  const [list, setList] = useState<PermitType[]>(permitTypesCache ?? []);
  useEffect(() => {
    if (permitTypesCache) return;
    clients.catalog
      .listPermitTypes({})
      .then((r) => {
        permitTypesCache = r.permitTypes;
        setList(r.permitTypes);
      })
      .catch(() => undefined);
  }, []);
  return list;
}

// The buttons with a key, in the order the hint names them; each has counter.<name> (its words)
// and counter.key.<name> (its key) in the catalog.
const SHORTCUTS = ["next", "recall", "skip", "noShow", "done", "transfer"] as const;
type Shortcut = (typeof SHORTCUTS)[number];

export default function CounterPage() {
  const t = useT(counterCatalog);
  const act = useActions(t);
  const [counterId, setCounterId] = useState(storedCounter());
  const [local, setLocal] = useState<Ticket | null | undefined>(undefined);
  const [waiting, setWaiting] = useState<Ticket[]>([]);
  const [transferOpen, setTransferOpen] = useState(false);
  const [transferTo, setTransferTo] = useState("");
  const transferRef = useRef<HTMLSelectElement>(null);
  const refreshTimer = useRef<number | undefined>(undefined);
  const permitTypes = usePermitTypes();

  const loadWaiting = () => {
    clients.queue
      .listTickets({ state: TicketState.WAITING })
      .then((r) => setWaiting([...r.tickets].sort((a, b) => a.callsAhead - b.callsAhead || Number(a.id - b.id))))
      .catch(() => undefined);
  };
  const scheduleWaiting = () => {
    if (refreshTimer.current !== undefined) return;
    refreshTimer.current = window.setTimeout(() => {
      refreshTimer.current = undefined;
      loadWaiting();
    }, 300);
  };

  const watch = useQueueWatch(() => scheduleWaiting());
  const board = watch.board;
  useEffect(() => {
    // A fresh board is the truth again.
    setLocal(undefined);
    scheduleWaiting();
  }, [board]);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  const counters = board?.counters ?? [];
  const mine = counters.find((c) => c.id === counterId);
  const current: Ticket | undefined = local === undefined ? mine?.serving : local ?? undefined;
  const svc = (code: string) => permitTypes.find((p) => p.code === code)?.name ?? code;
  const counterName = (id: string) => {
    const c = counters.find((x) => x.id === id);
    return c ? c.name : id;
  };

  const pickCounter = (id: string) => {
    setCounterId(id);
    setLocal(undefined);
    try {
      localStorage.setItem(COUNTER_KEY, id);
    } catch {
      /* ignore */
    }
  };

  // --- ticket actions -------------------------------------------------------------------------
  const after = (tk: Ticket | undefined) => {
    if (!tk) return;
    if (tk.state === TicketState.CALLED && tk.counterId === counterId) setLocal(tk);
    else setLocal(null);
    scheduleWaiting();
  };
  const callNext = async () => {
    if (!counterId) {
      act.setStatus({ kind: "error", text: t("counter.pickFirst") });
      return;
    }
    const r = await act.run(`next:${counterId}:${current?.id ?? ""}`, (rid) => clients.queue.callNext({ requestId: rid, counterId }), (r) =>
      r.ticket ? t("counter.called", { label: r.ticket.label, counter: counterName(counterId) }) : t("counter.nobody"),
    );
    if (r?.ticket) after(r.ticket);
  };
  const ticketAction = async (kind: "recall" | "skip" | "noShow" | "finish") => {
    if (!current) return;
    const tk = current;
    const fns = {
      recall: (rid: string) => clients.queue.recall({ requestId: rid, ticketId: tk.id }),
      skip: (rid: string) => clients.queue.skip({ requestId: rid, ticketId: tk.id }),
      noShow: (rid: string) => clients.queue.markNoShow({ requestId: rid, ticketId: tk.id }),
      finish: (rid: string) => clients.queue.finish({ requestId: rid, ticketId: tk.id }),
    };
    const msgs = { recall: "counter.recalled", skip: "counter.skipped", noShow: "counter.noShowed", finish: "counter.finished" };
    // A recall is a new press each time; the others act once per ticket and call.
    const key = kind === "recall" ? `recall:${tk.id}:${tk.calls}` : `${kind}:${tk.id}:${tk.calls}`;
    const r = await act.run(key, fns[kind], (r) => t(msgs[kind], { label: r.label }));
    after(r);
  };
  const openTransfer = () => {
    if (!current) return;
    setTransferOpen(true);
    setTimeout(() => transferRef.current?.focus(), 0);
  };
  const doTransfer = async () => {
    if (!current || !transferTo) return;
    const tk = current;
    const r = await act.run(`transfer:${tk.id}:${transferTo}`, (rid) => clients.queue.transfer({ requestId: rid, ticketId: tk.id, toCounterId: transferTo }), (r) =>
      t("counter.transferred", { label: r.label, counter: counterName(transferTo) }),
    );
    if (r) {
      setTransferOpen(false);
      after(r);
    }
  };

  // Keyboard shortcuts, never while typing in a field or with a modifier held. Each is the first
  // letter of its button's word in the page's language (counter.key.*): "S" is Selesai (done) in
  // Indonesian, not the English "Skip", so a clerk who reads the labels presses what they say.
  const key = Object.fromEntries(SHORTCUTS.map((a) => [a, t(`counter.key.${a}`)])) as Record<Shortcut, string>;
  const keys = useRef<Record<string, () => void>>({});
  keys.current = {
    [key.next.toLowerCase()]: callNext,
    [key.recall.toLowerCase()]: () => ticketAction("recall"),
    [key.skip.toLowerCase()]: () => ticketAction("skip"),
    [key.noShow.toLowerCase()]: () => ticketAction("noShow"),
    [key.done.toLowerCase()]: () => ticketAction("finish"),
    [key.transfer.toLowerCase()]: openTransfer,
  };
  const busyRef = useRef(act.busy);
  busyRef.current = act.busy;
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || e.defaultPrevented) return;
      if (typingTarget(e)) return;
      const f = keys.current[e.key.toLowerCase()];
      if (!f || busyRef.current) return;
      e.preventDefault();
      f();
    };
    document.addEventListener("keydown", h);
    return () => document.removeEventListener("keydown", h);
  }, []);

  const busy = act.busy !== null;
  const noTicket = !current || busy;
  return (
    <Page title={t("counter.title")} class="wide" nav={[{ href: "#/kiosk", label: t("counter.kioskLink") }]}>
      <div class="counter-page">
        <div class="counter-head">
          <label class="pb-field counter-pick">
            <span>{t("counter.pick")}</span>
            <select name="counter" value={counterId} onChange={(e) => pickCounter((e.target as HTMLSelectElement).value)}>
              <option value="">{t("counter.pickNone")}</option>
              {counters.map((c) => (
                <option value={c.id} key={c.id}>
                  {c.name}
                  {c.open ? "" : ` ${t("counter.closed")}`}
                </option>
              ))}
              {counterId && !mine ? <option value={counterId}>{counterId}</option> : null}
            </select>
          </label>
          <p class={`counter-conn counter-conn--${watch.state === "live" ? "live" : "down"}`} role="status">
            {watch.state === "live" ? t("counter.live") : t("counter.reconnecting")}
          </p>
        </div>

        <section class="counter-current" aria-labelledby="counter-current-h">
          <h2 id="counter-current-h">
            {t("counter.current")}
            {mine ? ` — ${mine.name}` : ""}
          </h2>
          {current ? (
            <div class="counter-ticket" data-current-ticket={current.label}>
              <p class="counter-ticket__label">{current.label}</p>
              <p class="counter-ticket__meta">
                {svc(current.service)} · {current.name} · {t(laneKey(current.lane))}
                {current.seated ? ` · ${t("counter.seated")}` : ""}
              </p>
              <p class="counter-ticket__meta">{t("counter.calledAt", { time: officeClock(current.calledAt), calls: current.calls })}</p>
            </div>
          ) : counterId ? (
            <p class="counter-ticket--none">{t("counter.currentNone")}</p>
          ) : (
            // Every action waits for a counter: say so, where the disabled buttons are.
            <p class="counter-ticket--none" id="counter-pick-first" data-testid="counter-pick-first">
              {t("counter.pickFirst")}
            </p>
          )}
          <div class="counter-actions" role="group" aria-label={t("counter.actions")}>
            <button type="button" class="counter-btn counter-btn--main" aria-keyshortcuts={key.next} disabled={busy || !counterId} aria-describedby={counterId ? undefined : "counter-pick-first"} onClick={callNext}>
              {t("counter.next")} <kbd>{key.next}</kbd>
            </button>
            <button type="button" class="secondary counter-btn" aria-keyshortcuts={key.recall} disabled={noTicket} onClick={() => ticketAction("recall")}>
              {t("counter.recall")} <kbd>{key.recall}</kbd>
            </button>
            <button type="button" class="secondary counter-btn" aria-keyshortcuts={key.skip} disabled={noTicket} onClick={() => ticketAction("skip")}>
              {t("counter.skip")} <kbd>{key.skip}</kbd>
            </button>
            <button type="button" class="secondary counter-btn" aria-keyshortcuts={key.noShow} disabled={noTicket} onClick={() => ticketAction("noShow")}>
              {t("counter.noShow")} <kbd>{key.noShow}</kbd>
            </button>
            <button type="button" class="secondary counter-btn" aria-keyshortcuts={key.done} disabled={noTicket} onClick={() => ticketAction("finish")}>
              {t("counter.done")} <kbd>{key.done}</kbd>
            </button>
            <button type="button" class="secondary counter-btn" aria-keyshortcuts={key.transfer} aria-expanded={transferOpen} disabled={noTicket} onClick={openTransfer}>
              {t("counter.transfer")} <kbd>{key.transfer}</kbd>
            </button>
          </div>
          {transferOpen && current ? (
            <div class="counter-transfer">
              <label class="pb-field">
                <span>{t("counter.transferTo")}</span>
                <select ref={transferRef} value={transferTo} onChange={(e) => setTransferTo((e.target as HTMLSelectElement).value)}>
                  <option value="">{t("counter.pickNone")}</option>
                  {counters
                    .filter((c) => c.id !== counterId)
                    .map((c) => (
                      <option value={c.id} key={c.id}>
                        {c.name}
                      </option>
                    ))}
                </select>
              </label>
              <button type="button" disabled={!transferTo || busy} onClick={doTransfer}>
                {t("counter.transferGo")}
              </button>
              <button type="button" class="secondary" onClick={() => setTransferOpen(false)}>
                {t("common.cancel")}
              </button>
            </div>
          ) : null}
          <p class="counter-hint">
            {t("counter.shortcuts", {
              keys: SHORTCUTS.map((a) => `${key[a]} ${t(`counter.${a}`).toLowerCase()}`).join(", "),
            })}
          </p>
          <StatusLine status={act.status} />
        </section>

        <CheckInPanel t={t} permitTypes={permitTypes} onIssued={scheduleWaiting} />

        <section class="counter-waiting" aria-labelledby="counter-waiting-h">
          <h2 id="counter-waiting-h">
            {t("counter.waiting")} <span class="counter-count">({t("counter.waitingCount", { n: waiting.length })})</span>
          </h2>
          {board ? (
            <p class="counter-lanes">
              {t("lane.PRIORITY")}: {board.waitingPriority} · {t("lane.APPOINTMENT")}: {board.waitingAppointment} · {t("lane.WALK_IN")}: {board.waitingWalkIn}
            </p>
          ) : null}
          {waiting.length === 0 ? (
            <p>{t("counter.waitingNone")}</p>
          ) : (
            <div class="pb-table-wrap">
              <table class="pb-table">
                <ColumnHeads labels={[t("counter.col.label"), t("counter.col.service"), t("counter.col.name"), t("counter.col.lane"), t("counter.col.ahead"), t("counter.col.wait"), t("counter.col.counter")]} />
                <tbody>
                  {waiting.map((w) => (
                    <tr key={String(w.id)} data-ticket={w.label}>
                      <th scope="row">{w.label}</th>
                      <td>{svc(w.service)}</td>
                      <td>{w.name}</td>
                      <td>
                        {t(laneKey(w.lane))}
                        {w.seated ? ` · ${t("counter.seated")}` : ""}
                      </td>
                      <td>{w.callsAhead >= 0 ? w.callsAhead : "—"}</td>
                      <td>{w.callsAhead >= 0 && w.estimatedWaitMinutes !== undefined ? t("counter.minutes", { n: w.estimatedWaitMinutes }) : "—"}</td>
                      <td>{w.counterId ? counterName(w.counterId) : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </Page>
  );
}

type T = (key: string, vars?: Record<string, string | number>) => string;

function CheckInPanel({ t, permitTypes, onIssued }: { t: T; permitTypes: PermitType[]; onIssued: () => void }) {
  const act = useActions(t);
  const [mode, setMode] = useState<"appt" | "walk">("appt");
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [service, setService] = useState("");
  const [priority, setPriority] = useState<PriorityClass>(PriorityClass.NONE);
  const [caseId, setCaseId] = useState("");
  const [nik, setNik] = useState("");
  const [temp, setTemp] = useState("");
  const [mask, setMask] = useState<boolean | undefined>(undefined);
  const [seated, setSeated] = useState(false);
  const [result, setResult] = useState<CheckInResponse | undefined>(undefined);
  const [redirected, setRedirected] = useState<Visit | undefined>(undefined);
  // Failed screenings of today from any terminal (the kiosk, another counter), not yet redirected,
  // and the one this clerk is handling.
  const [pending, setPending] = useState<Visit[]>([]);
  const [handling, setHandling] = useState<Visit | undefined>(undefined);
  const slip = useRef<HTMLDivElement>(null);
  const loadPending = () =>
    clients.queue
      .listVisits({ outcome: "redirect_pending" })
      .then((r) => setPending(r.visits))
      .catch(() => undefined); // the list is a help; the check-in form works without it
  useEffect(() => {
    void loadPending();
    const id = window.setInterval(() => void loadPending(), 20_000);
    return () => clearInterval(id);
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setResult(undefined);
    setRedirected(undefined);
    const screening = { temperatureC: parseTemperature(temp), mask: mask === true };
    const who =
      mode === "appt"
        ? { case: "appointmentCode" as const, value: code.trim() }
        : {
            case: "walkIn" as const,
            value: { name: name.trim(), phone: phone.trim(), service, priorityClass: priority, caseId: caseId.trim() ? BigInt(caseId.trim()) : 0n, nik: caseId.trim() ? nik.trim() : "", language: "id" },
          };
    const key = `checkin:${JSON.stringify({ mode, code, name, phone, service, priority, caseId, nik, temp, mask, seated })}`;
    const r = await act.run(key, (rid) => clients.queue.checkIn({ requestId: rid, who, screening, seated }), (r) =>
      r.ticket ? t("counter.ticketIssued", { label: r.ticket.label }) : t("counter.screenFailed", { note: problemText(r.visit?.screeningNote ?? "", t) }),
    );
    if (r) {
      setResult(r);
      setHandling(undefined);
      void loadPending();
      if (!r.ticket) act.setStatus({ kind: "info", text: t("counter.screenFailed", { note: problemText(r.visit?.screeningNote ?? "", t) }) });
      if (r.ticket) {
        onIssued();
        setCode("");
        setName("");
        setPhone("");
        setCaseId("");
        setSeated(false);
        setPriority(PriorityClass.NONE);
        setTemp("");  // the next visitor is measured anew
        setMask(undefined);
      }
    }
  };

  // The list without the visit whose redirect panel is open below.
  const waitingRedirect = pending.filter((v) => v.id !== handling?.id && v.id !== result?.visit?.id);
  const invalid = (f: string) => (act.field && (act.field === f || act.field.endsWith(`.${f}`)) ? true : undefined);
  const serviceName = (code: string) => permitTypes.find((p) => p.code === code)?.name ?? code;

  return (
    <section class="counter-checkin" aria-labelledby="counter-checkin-h">
      <h2 id="counter-checkin-h">{t("counter.checkin")}</h2>
      {waitingRedirect.length > 0 ? (
        <section class="counter-pending notice warn" aria-labelledby="counter-pending-h">
          <h3 id="counter-pending-h">{t("counter.pendingTitle")}</h3>
          <ul>
            {waitingRedirect.map((v) => (
              <li key={String(v.id)} data-visit-id={String(v.id)}>
                <strong>{v.name}</strong> · {problemText(v.screeningNote, t)} · {officeClock(v.createdAt)}{" "}
                <button
                  type="button"
                  class="secondary small"
                  aria-label={`${t("counter.pendingHandle")}: ${v.name}`}
                  onClick={() => {
                    setRedirected(undefined);
                    setHandling(v);
                    setTimeout(() => document.getElementById("counter-redirect-h")?.focus(), 0);
                  }}
                >
                  {t("counter.pendingHandle")}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <form onSubmit={submit} class="pb-form">
        <fieldset class="pb-radios">
          <legend>{t("counter.mode")}</legend>
          <label>
            <input type="radio" name="checkin-mode" checked={mode === "appt"} onChange={() => setMode("appt")} /> {t("counter.modeAppt")}
          </label>
          <label>
            <input type="radio" name="checkin-mode" checked={mode === "walk"} onChange={() => setMode("walk")} /> {t("counter.modeWalk")}
          </label>
        </fieldset>
        {mode === "appt" ? (
          <label class="pb-field">
            <span>{t("counter.code")}</span>
            <input type="text"
              name="appointment_code"
              required
              autocomplete="off"
              autocapitalize="characters"
              aria-describedby="checkin-code-hint"
              aria-invalid={invalid("appointment_code")}
              value={code}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
            <small id="checkin-code-hint">{t("counter.codeHint")}</small>
          </label>
        ) : (
          <>
            <label class="pb-field">
              <span>{t("counter.name")}</span>
              <input type="text" name="name" required autocomplete="off" aria-invalid={invalid("name")} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            </label>
            <label class="pb-field">
              <span>{t("counter.phone")}</span>
              <input name="phone" type="tel" autocomplete="off" aria-invalid={invalid("phone")} placeholder="+62" value={phone} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
            </label>
            <ServiceSelect label={t("counter.service")} pick={t("counter.servicePick")} value={service} onValue={setService} permitTypes={permitTypes} invalid={invalid("service")} />
            <label class="pb-field">
              <span>{t("counter.priority")}</span>
              <select name="priority" value={String(priority)} onChange={(e) => setPriority(Number((e.target as HTMLSelectElement).value) as PriorityClass)}>
                {PRIORITIES.map(([v, k]) => (
                  <option value={String(v)} key={k}>
                    {t(`priority.${k}`)}
                  </option>
                ))}
              </select>
            </label>
            <label class="pb-field">
              <span>{t("counter.caseId")}</span>
              <input type="text" name="case_id" inputMode="numeric" pattern="[0-9]*" autocomplete="off" aria-invalid={invalid("case_id")} value={caseId} onInput={(e) => setCaseId((e.target as HTMLInputElement).value)} />
            </label>
            {caseId.trim() ? (
              <label class="pb-field">
                <span>{t("counter.nik")}</span>
                <input type="text" name="nik" inputMode="numeric" pattern="[0-9]*" maxLength={NIK_INPUT_MAX} autocomplete="off" required aria-invalid={invalid("walk_in.nik")} value={nik} onInput={(e) => setNik(nikTyped((e.target as HTMLInputElement).value))} />
              </label>
            ) : null}
          </>
        )}
        <fieldset class="pb-group">
          <legend>{t("counter.screening")}</legend>
          <ScreeningFields tempLabel={t("counter.temp")} maskLabel={t("counter.mask")} yes={t("common.yes")} no={t("common.no")} hint={t("screening.tempHint")} temp={temp} onTemp={setTemp} mask={mask} onMask={setMask} tempInvalid={invalid("temperature_c")} />
          <label class="check">
            <input name="seated" type="checkbox" checked={seated} onChange={(e) => setSeated((e.target as HTMLInputElement).checked)} /> {t("counter.seatedAsk")}
          </label>
        </fieldset>
        <button type="submit" disabled={act.busy !== null}>
          {mode === "appt" ? t("counter.submitCheckin") : t("counter.submitWalkIn")}
        </button>
      </form>
      <StatusLine status={act.status} />
      {result?.ticket ? (
        <div class="counter-issued">
          <div ref={slip}>
            <TicketSlip ticket={result.ticket} t={t} serviceName={serviceName(result.ticket.service)} />
          </div>
          <button type="button" class="secondary" onClick={() => printTicket(slip.current?.firstElementChild as HTMLElement)}>
            {t("counter.print")}
          </button>
        </div>
      ) : null}
      {result && !result.ticket && result.visit && !redirected && !handling ? (
        <RedirectPanel
          t={t}
          visit={result.visit}
          alternatives={result.alternatives}
          onDone={(v) => {
            setRedirected(v);
            void loadPending();
          }}
        />
      ) : null}
      {handling ? (
        <RedirectPanel
          t={t}
          visit={handling}
          // SIBER picks the documents of a case up; a visit without one can only go online.
          alternatives={handling.caseId ? [RedirectHandling.ONLINE, RedirectHandling.SIBER_PICKUP] : [RedirectHandling.ONLINE]}
          onDone={(v) => {
            setRedirected(v);
            setHandling(undefined);
            void loadPending();
          }}
        />
      ) : null}
      {redirected ? (
        <p class="pb-status__msg pb-status__msg--ok" role="status">
          {t("counter.redirected", { outcome: t(`outcome.${redirected.outcome}`) })}
        </p>
      ) : null}
    </section>
  );
}

let clinicsCache: Clinic[] | undefined;

function RedirectPanel({ t, visit, alternatives, onDone }: { t: T; visit: Visit; alternatives: RedirectHandling[]; onDone: (v: Visit) => void }) {
  const act = useActions(t);
  const [clinics, setClinics] = useState<Clinic[]>(clinicsCache ?? []);
  const [address, setAddress] = useState("");
  const [lat, setLat] = useState("");
  const [lon, setLon] = useState("");
  const [siberOpen, setSiberOpen] = useState(false);
  const alts = alternatives.length ? alternatives : [RedirectHandling.ONLINE, RedirectHandling.SIBER_PICKUP];
  useEffect(() => {
    if (clinicsCache || !alts.includes(RedirectHandling.SIBER_PICKUP)) return;
    clients.admin
      .listClinics({})
      .then((r) => {
        clinicsCache = r.clinics;
        setClinics(r.clinics);
      })
      .catch(() => undefined);
  }, []);
  const go = async (handling: RedirectHandling) => {
    const body =
      handling === RedirectHandling.SIBER_PICKUP
        ? { address: address.trim(), latitude: Number(lat) || 0, longitude: Number(lon) || 0 }
        : {};
    const r = await act.run(`redirect:${visit.id}:${handling}:${JSON.stringify(body)}`, (rid) =>
      clients.queue.redirectVisit({ requestId: rid, visitId: visit.id, handling, ...body }),
    );
    if (r) onDone(r);
  };
  const fillClinic = (id: string) => {
    const c = clinics.find((x) => x.id === id);
    if (!c) return;
    setAddress(`${c.name}, ${c.address}`);
    setLat(String(c.latitude));
    setLon(String(c.longitude));
  };
  return (
    <div class="counter-redirect" role="group" aria-labelledby="counter-redirect-h">
      <h3 id="counter-redirect-h" tabIndex={-1}>
        {t("counter.redirect")}: {visit.name}
      </h3>
      <p class="counter-redirect__why">{problemText(visit.screeningNote, t)}</p>
      {/* What each way on does, before the clerk picks one: the visitor is standing there. */}
      <ul class="counter-redirect__help">
        {alts.includes(RedirectHandling.ONLINE) ? (
          <li>
            <strong>{t("counter.redirectOnline")}</strong>: {t("counter.redirectOnlineHelp")}
          </li>
        ) : null}
        {alts.includes(RedirectHandling.SIBER_PICKUP) ? (
          <li>
            <strong>{t("counter.redirectSiber")}</strong>: {t("counter.redirectSiberHelp")}
          </li>
        ) : null}
      </ul>
      <div class="counter-actions">
        {alts.includes(RedirectHandling.ONLINE) ? (
          <button type="button" class="secondary" disabled={act.busy !== null} onClick={() => go(RedirectHandling.ONLINE)}>
            {t("counter.redirectOnline")}
          </button>
        ) : null}
        {alts.includes(RedirectHandling.SIBER_PICKUP) ? (
          <button type="button" class="secondary" aria-expanded={siberOpen} onClick={() => setSiberOpen(!siberOpen)}>
            {t("counter.redirectSiber")}
          </button>
        ) : null}
      </div>
      {siberOpen ? (
        <form
          class="pb-form"
          onSubmit={(e) => {
            e.preventDefault();
            void go(RedirectHandling.SIBER_PICKUP);
          }}
        >
          <label class="pb-field">
            <span>{t("counter.redirectClinic")}</span>
            <select onChange={(e) => fillClinic((e.target as HTMLSelectElement).value)}>
              <option value="">{t("counter.redirectClinicNone")}</option>
              {clinics.map((c) => (
                <option value={c.id} key={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label class="pb-field">
            <span>{t("counter.address")}</span>
            <input type="text" required value={address} aria-invalid={act.field === "address" ? true : undefined} onInput={(e) => setAddress((e.target as HTMLInputElement).value)} />
          </label>
          <div class="pb-row">
            <label class="pb-field">
              <span>{t("counter.lat")}</span>
              <input type="text" inputMode="decimal" value={lat} onInput={(e) => setLat((e.target as HTMLInputElement).value)} />
            </label>
            <label class="pb-field">
              <span>{t("counter.lon")}</span>
              <input type="text" inputMode="decimal" value={lon} onInput={(e) => setLon((e.target as HTMLInputElement).value)} />
            </label>
          </div>
          <button type="submit" disabled={act.busy !== null}>
            {t("counter.redirectSiber")}
          </button>
        </form>
      ) : null}
      <StatusLine status={act.status} />
    </div>
  );
}
