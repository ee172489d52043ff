// The courier's phone (/#/courier, 360 px first): today's route in order with a map link per
// stop; arrive, pick up / hand over with a proof (a camera photo or a signature drawn on the
// screen, sent as ConfirmStop.proof_content with its SHA-256 as proof_sha256; see
// courier-proof.ts for what is redrawn as JPEG and how the upload's progress is shown), or fail
// with a reason and a note.
import { useEffect, useRef, useState } from "preact/hooks";
import { StopKind, StopState, StopFailureReason, type GetRouteResponse, type Stop } from "@gen/loket/v1/courier_pb.js";
import { clients, codeOf, Code } from "../api";
import { useT, formatDate, formatDecimal, byteSize } from "../i18n";
import { Page } from "../layout";
import { sha256Hex } from "../sha256";
import { useActions, officeClock, officeToday, type Actions } from "./counter-actions";
import type { RouteProps } from "../router";
import { StatusLine } from "./counter-ui";
import { SignaturePad, type SignatureHandle } from "./courier-signature";
import { ProofError, confirmWithProof, photoProof, signatureProof, type Proof } from "./courier-proof";
import { courierCatalog } from "./courier.i18n";
import { failureReasonText } from "./stop-reasons";
import "./counter.css";
import "./courier.css";
import "./staff-words.i18n"; // the counter, kiosk and courier words for loketd's messages
import { FileInput } from "../file-input";
import { DateInput } from "../date-input";

type T = (key: string, vars?: Record<string, string | number>) => string;

const REASONS: StopFailureReason[] = [
  StopFailureReason.CLINIC_CLOSED,
  StopFailureReason.DOCUMENTS_NOT_READY,
  StopFailureReason.NOBODY_TO_RECEIVE,
  StopFailureReason.ADDRESS_NOT_FOUND,
  StopFailureReason.OTHER,
];

// A proof's SHA-256 as a phone shows it: its first 16 hex digits, enough to compare with the
// office's record by eye; the whole one is the element's title.
function shortHash(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 16)}…` : hex;
}

function mapUrl(s: Stop): string {
  const lat = s.latitude.toFixed(6);
  const lon = s.longitude.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
}

const taking = (s: Stop) => s.kind === StopKind.PICKUP || s.kind === StopKind.COLLECT;

/** A stop's time window in office time. Midnight at either end is no limit there (an office stop
 * open from the day's start reads "sampai 15:00", not "00:00–15:00"). */
function windowText(t: (k: string, v?: Record<string, string | number>) => string, start: string, end: string): string | null {
  if (!start || !end) return null;
  const from = officeClock(start);
  const to = officeClock(end);
  if (from === "00:00" && to === "00:00") return null;
  if (from === "00:00") return t("courier.windowUntil", { to });
  if (to === "00:00") return t("courier.windowFrom", { from });
  return t("courier.window", { from, to });
}

export default function CourierPage({ query }: RouteProps) {
  const t = useT(courierCatalog);
  const act = useActions(t);
  const [day, setDay] = useState(query?.get("day") || officeToday());
  const dayRef = useRef(day);
  dayRef.current = day;
  const askedDay = query?.get("day") || "";
  useEffect(() => {
    if (askedDay) setDay(askedDay);
  }, [askedDay]);
  const [route, setRoute] = useState<GetRouteResponse | undefined>(undefined);
  const [loadedAt, setLoadedAt] = useState<Date | undefined>(undefined);
  const [loading, setLoading] = useState(true);

  const loads = useRef(0);
  const load = async () => {
    const mine = ++loads.current;
    setLoading(true);
    try {
      const r = await clients.courier.getRoute({ day: dayRef.current });
      if (mine !== loads.current) return; // a newer load (another day) answers for the screen
      setRoute(r);
      setLoadedAt(new Date());
      if (act.status?.kind === "error") act.setStatus(null);
    } catch (e) {
      // Keep the last route on screen; say why it is not fresh.
      if (mine === loads.current) await act.run("route", () => Promise.reject(e));
    } finally {
      if (mine === loads.current) setLoading(false);
    }
  };

  useEffect(() => {
    void load();
  }, [day]);
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, 60000);
    const vis = () => {
      if (document.visibilityState === "visible") void load();
    };
    document.addEventListener("visibilitychange", vis);
    window.addEventListener("online", vis);
    return () => {
      clearInterval(id);
      document.removeEventListener("visibilitychange", vis);
      window.removeEventListener("online", vis);
    };
  }, []);

  const c = route?.courier;
  const plan = route?.plan;
  const stops = route?.stops ?? [];
  const activeIdx = stops.findIndex((s) => s.state === StopState.PLANNED || s.state === StopState.ARRIVED);

  return (
    <Page title={day === officeToday() ? t("courier.title") : t("courier.titleDay", { day: formatDate(day) })} class="courier">
      {c ? <p class="courier-who">{t("courier.who", { name: c.name, capacity: c.capacity, from: c.shiftStarts, to: c.shiftEnds })}</p> : null}
      {plan ? (
        <p class="courier-plan muted">
          {plan.plannedVersion !== plan.inputVersion ? <strong class="courier-stale">{t("courier.planStale")} </strong> : null}
          {plan.plannedAt ? t("courier.planned", { time: officeClock(plan.plannedAt), km: formatDecimal(plan.distanceM / 1000, 1) }) : null}
        </p>
      ) : null}
      <div class="courier-bar">
        <label class="pb-field courier-day">
          <span>{t("courier.day")}</span>
          <DateInput value={day} onChange={(e) => setDay((e.target as HTMLInputElement).value || officeToday())} />
        </label>
        <button type="button" class="secondary small" onClick={() => void load()} disabled={loading}>
          {t("courier.refresh")}
        </button>
        {loadedAt ? <span class="muted">{t("courier.updated", { time: officeClock(loadedAt.toISOString()) })}</span> : null}
      </div>
      <StatusLine status={act.status} />
      {route && stops.length === 0 ? <p>{t("courier.none")}</p> : null}
      {!route && loading ? (
        <p class="loading" role="status">
          {t("common.loading")}
        </p>
      ) : null}
      <ol class="courier-stops">
        {stops.map((s, i) => (
          <StopCard key={String(s.id)} t={t} stop={s} n={i + 1} active={i === activeIdx} onChanged={load} />
        ))}
      </ol>
    </Page>
  );
}

function StopCard({ t, stop: s, n, active, onChanged }: { t: T; stop: Stop; n: number; active: boolean; onChanged: () => Promise<void> }) {
  const act = useActions(t);
  const [failOpen, setFailOpen] = useState(false);
  const [reason, setReason] = useState<StopFailureReason>(StopFailureReason.CLINIC_CLOSED);
  const [note, setNote] = useState("");
  const place = placeText(s.place, t) || s.address;
  const kind = StopKind[s.kind] ?? "UNSPECIFIED";
  const state = StopState[s.state] ?? "UNSPECIFIED";
  const open = s.state === StopState.PLANNED || s.state === StopState.ARRIVED;

  const arrive = async () => {
    const r = await act.run(`arrive:${s.id}`, (rid) => clients.courier.arriveAtStop({ requestId: rid, stopId: s.id }), () => t("courier.arrived", { place }));
    if (r) await onChanged();
  };
  const fail = async (e: Event) => {
    e.preventDefault();
    const r = await act.run(`fail:${s.id}:${reason}:${note}`, (rid) => clients.courier.failStop({ requestId: rid, stopId: s.id, reason, note: note.trim() }), () =>
      t("courier.failed", { place }),
    );
    if (r) {
      setFailOpen(false);
      await onChanged();
    }
  };

  return (
    <li class={`courier-stop courier-stop--${state.toLowerCase()}${active ? " courier-stop--active" : ""}`} data-stop-id={String(s.id)} data-stop-state={state}>
      <article aria-labelledby={`stop-${s.id}-h`}>
        <h2 id={`stop-${s.id}-h`} class="courier-stop__h">
          <span class="courier-stop__n">{n}</span> {t(`kind.${kind}`)}
        </h2>
        <p class="courier-stop__state">
          <span class={`badge courier-badge--${state.toLowerCase()}`}>{t(`stop.${state}`)}</span>
        </p>
        <p class="courier-stop__place">{placeText(s.place, t)}</p>
        {s.address && s.address !== s.place ? <p class="courier-stop__addr">{s.address}</p> : null}
        <p>
          <a href={mapUrl(s)} target="_blank" rel="noopener noreferrer" aria-label={t("courier.mapLabel", { place })}>
            {t("courier.map")}
          </a>
        </p>
        <p class="courier-stop__time">
          {windowText(t, s.windowStart, s.windowEnd)}
          {s.plannedAt && open ? ` · ${t("courier.plannedAt", { time: officeClock(s.plannedAt) })}` : null}
        </p>
        {s.permitName || s.applicantName ? <p class="courier-stop__about">{t("courier.about", { permit: s.permitName || s.permitType, applicant: s.applicantName })}</p> : null}
        {s.permitNumber ? <p class="courier-stop__about">{t("courier.permitNo", { n: s.permitNumber })}</p> : null}
        {s.bundles > 0 ? <p class="courier-stop__about">{t("courier.bundles", { n: s.bundles })}</p> : null}
        {s.state === StopState.DONE ? (
          <p class="courier-stop__done">
            {t("courier.doneInfo", { time: officeClock(s.completedAt), name: s.receiverName })}
            {s.proofSha256 ? (
              <>
                <br />
                <code class="courier-hash" title={s.proofSha256}>{t("courier.hash", { hash: shortHash(s.proofSha256) })}</code>
              </>
            ) : null}
          </p>
        ) : null}
        {s.state === StopState.FAILED ? <p class="courier-stop__failed">{t("courier.failInfo", { reason: failureReasonText(t, s.failureReason) })}</p> : null}

        {s.state === StopState.PLANNED ? (
          <div class="courier-actions">
            <button type="button" class="courier-main" disabled={act.busy !== null} onClick={arrive}>
              {t("courier.arrive")}
            </button>
          </div>
        ) : null}
        {s.state === StopState.ARRIVED ? <ConfirmForm t={t} stop={s} act={act} onDone={onChanged} /> : null}
        {open ? (
          <div class="courier-fail">
            <button type="button" class="secondary small" aria-expanded={failOpen} onClick={() => setFailOpen(!failOpen)}>
              {t("courier.fail")}
            </button>
            {failOpen ? (
              <form onSubmit={fail} class="pb-form" aria-label={t("courier.failTitle")}>
                <label class="pb-field">
                  <span>{t("courier.reason")}</span>
                  <select value={String(reason)} onChange={(e) => setReason(Number((e.target as HTMLSelectElement).value) as StopFailureReason)}>
                    {REASONS.map((r) => (
                      <option value={String(r)} key={r}>
                        {t(`reason.${StopFailureReason[r]}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <label class="pb-field">
                  <span>{t("courier.note")}</span>
                  <textarea value={note} maxLength={500} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
                </label>
                <button type="submit" class="danger" disabled={act.busy !== null}>
                  {t("courier.failGo")}
                </button>
              </form>
            ) : null}
          </div>
        ) : null}
        {/* loketd's word about the proof file is shown beside the proof field instead */}
        <StatusLine status={act.field && PROOF_FIELDS.has(act.field) ? null : act.status} />
      </article>
    </li>
  );
}

type Phase =
  | { kind: "idle" }
  | { kind: "preparing" }
  | { kind: "ready" }
  | { kind: "sending"; sent: number; total: number }
  | { kind: "saved" }
  | { kind: "failed"; text: string };

const PROOF_FIELDS = new Set(["proof_content", "proof_sha256"]);

function ConfirmForm({ t, stop: s, act, onDone }: { t: T; stop: Stop; act: Actions; onDone: () => Promise<void> }) {
  const [receiver, setReceiver] = useState(s.receiverName);
  const [mode, setMode] = useState<"photo" | "sign">("photo");
  const [photo, setPhoto] = useState<{ proof: Proof; hash: string } | undefined>(undefined);
  const [preview, setPreview] = useState("");
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [signed, setSigned] = useState<{ proof: Proof; hash: string } | undefined>(undefined);
  const sig = useRef<SignatureHandle | null>(null);
  const place = placeText(s.place, t) || s.address;
  const proofId = `proof-${s.id}-state`;

  useEffect(() => () => {
    if (preview) URL.revokeObjectURL(preview);
  }, [preview]);

  const problem = (e: unknown) =>
    e instanceof ProofError ? t(e.reason === "tooLarge" ? "courier.proofTooLarge" : "courier.proofUnreadable") : t("courier.proofUnreadable");

  const onFile = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const f = input.files?.[0];
    setPhoto(undefined);
    if (preview) URL.revokeObjectURL(preview);
    setPreview("");
    if (!f) {
      setPhase({ kind: "idle" });
      return;
    }
    setPhase({ kind: "preparing" });
    try {
      const proof = await photoProof(f);
      const hash = await sha256Hex(proof.bytes);
      setPhoto({ proof, hash });
      setPreview(URL.createObjectURL(new Blob([proof.bytes as Uint8Array<ArrayBuffer>], { type: proof.media })));
      setPhase({ kind: "ready" });
    } catch (err) {
      setPhase({ kind: "failed", text: problem(err) });
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!receiver.trim()) {
      act.setStatus({ kind: "error", text: t("courier.needReceiver") });
      return;
    }
    let chosen = mode === "photo" ? photo : undefined;
    if (mode === "sign") {
      if (!sig.current || sig.current.empty()) {
        act.setStatus({ kind: "error", text: t("courier.signEmpty") });
        return;
      }
      setPhase({ kind: "preparing" });
      try {
        const png = await sig.current.png();
        if (png) {
          const proof = await signatureProof(png);
          chosen = { proof, hash: await sha256Hex(proof.bytes) };
        }
      } catch (err) {
        setPhase({ kind: "failed", text: problem(err) });
        return;
      }
      setSigned(chosen);
    }
    if (!chosen) {
      setPhase({ kind: "idle" });
      act.setStatus({ kind: "error", text: t("courier.needProof") });
      return;
    }
    const { proof, hash } = chosen;
    setPhase({ kind: "sending", sent: 0, total: proof.bytes.length });
    // Same stop, receiver and proof bytes = the same confirmation: its request_id is reused.
    const r = await act.run(
      `confirm:${s.id}:${receiver.trim()}:${hash}`,
      (rid) =>
        confirmWithProof({ requestId: rid, stopId: s.id, receiverName: receiver.trim(), taking: taking(s), proof, sha256: hash }, (p) =>
          setPhase({ kind: "sending", sent: p.sent, total: p.total }),
        ).catch((err) => {
          // The upload has its own transport: an ended session is noticed by reloading the
          // route through the shared one, which sends the person back to sign-in.
          if (codeOf(err) === Code.Unauthenticated) void onDone();
          throw err;
        }),
      () => t("courier.confirmed", { place }),
    );
    if (r) {
      setPhase({ kind: "saved" });
      await onDone();
    } else {
      setPhase({ kind: "failed", text: t("courier.proofNotSent") });
    }
  };

  const shown = mode === "photo" ? photo : signed;
  const proofErr = act.field && PROOF_FIELDS.has(act.field) && act.status?.kind === "error" ? act.status.text : "";
  const pct = phase.kind === "sending" && phase.total > 0 ? Math.min(100, Math.round((phase.sent / phase.total) * 100)) : 0;
  return (
    <form class="courier-confirm pb-form" onSubmit={submit} aria-labelledby={`confirm-${s.id}-h`}>
      <h3 id={`confirm-${s.id}-h`}>{t("courier.confirmTitle")}</h3>
      <label class="pb-field">
        <span>{t("courier.receiver")}</span>
        <input type="text" name="receiver" required autocomplete="name" value={receiver} aria-invalid={act.field === "receiver_name" ? true : undefined} onInput={(e) => setReceiver((e.target as HTMLInputElement).value)} />
      </label>
      <fieldset class="pb-radios">
        <legend>{t("courier.proof")}</legend>
        <label>
          <input type="radio" name={`proof-${s.id}`} checked={mode === "photo"} onChange={() => { setMode("photo"); setPhase({ kind: photo ? "ready" : "idle" }); }} /> {t("courier.proofPhoto")}
        </label>
        <label>
          <input type="radio" name={`proof-${s.id}`} checked={mode === "sign"} onChange={() => { setMode("sign"); setPhase({ kind: "idle" }); }} /> {t("courier.proofSign")}
        </label>
      </fieldset>
      {mode === "photo" ? (
        <div class="courier-photo">
          <label class="pb-field">
            <span>{t("courier.photo")}</span>
            <FileInput
              name="proof_photo"
              choose={t("courier.openCamera")}
              accept="image/*"
              capture="environment"
              onChange={onFile}
              aria-describedby={proofId}
              aria-invalid={proofErr || phase.kind === "failed" ? true : undefined}
            />
          </label>
          {preview ? <img src={preview} alt={t("courier.photoPreview")} class="courier-preview" /> : null}
        </div>
      ) : (
        <SignaturePad t={t} handle={sig} onChange={() => { setSigned(undefined); setPhase({ kind: "idle" }); }} />
      )}
      <div id={proofId} class="courier-proofstate" data-proof-phase={phase.kind}>
        <p class="courier-hashline" aria-live="polite">
          {phase.kind === "preparing" ? t("courier.hashing") : null}
          {shown && phase.kind !== "preparing" ? (
            <>
              <span class="courier-proofinfo" data-proof-media={shown.proof.media}>
                {shown.proof.converted
                  ? t("courier.proofConverted", { size: byteSize(shown.proof.bytes.length), type: shown.proof.media === "image/png" ? "PNG" : "JPEG", from: shown.proof.converted.from, w: shown.proof.converted.width, h: shown.proof.converted.height })
                  : t("courier.proofReady", { size: byteSize(shown.proof.bytes.length), type: shown.proof.media === "image/png" ? "PNG" : "JPEG" })}
              </span>
              <br />
              <code class="courier-hash" data-proof-sha256={shown.hash} title={shown.hash}>{t("courier.hash", { hash: shortHash(shown.hash) })}</code>
            </>
          ) : null}
        </p>
        {phase.kind === "sending" ? (
          <div class="courier-upload">
            <label for={`proof-${s.id}-progress`}>{t("courier.sending", { pct, sent: byteSize(phase.sent), total: byteSize(phase.total) })}</label>
            <progress id={`proof-${s.id}-progress`} max={100} value={pct}>
              {pct}%
            </progress>
          </div>
        ) : null}
        {phase.kind === "saved" ? (
          <p class="courier-proofok" role="status">
            {t("courier.proofSaved")}
          </p>
        ) : null}
        {proofErr || phase.kind === "failed" ? (
          <p class="courier-prooferr" role="alert">
            {proofErr || (phase.kind === "failed" ? phase.text : "")}
          </p>
        ) : null}
      </div>
      <button type="submit" class="courier-main" disabled={act.busy !== null || phase.kind === "preparing"}>
        {taking(s) ? t("courier.take") : t("courier.give")}
      </button>
    </form>
  );
}

// loketd names the office's own stops "office" (server/domain/siber.cc); a clinic's by its name.
function placeText(place: string, t: (k: string) => string): string {
  return place === "office" ? t("courier.officePlace") : place;
}
