// Pieces of a case shared by the clinic portal and the office desk: state badge, due date,
// documents, history, custody chain, and the live case (GetCase + GetCaseHistory + WatchCase).
import { useEffect, useRef, useState } from "preact/hooks";
import { CaseState, Channel, type Case, type CaseEvent, type Document } from "@gen/loket/v1/case_pb.js";
import { StopKind, StopState, type GetCustodyResponse, type Stop } from "@gen/loket/v1/courier_pb.js";
import { ListPermitTypesResponseSchema, type PermitType } from "@gen/loket/v1/catalog_pb.js";
import { ListClinicsResponseSchema, type Clinic } from "@gen/loket/v1/admin_pb.js";
import { toJsonString, fromJsonString, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { clients, Code, ConnectError, errorText, isNetworkError } from "../api";
import { currentPrincipal, KEPT_PREFIX } from "../session";
import { byteSize, formatDate, formatDateTime, officeClock, textOr } from "../i18n";
import { sha256Hex } from "../sha256";
import { Page } from "../layout";
import { caseStrings } from "./case.i18n";
import { failureReasonText } from "./stop-reasons";
import "./case-parts.css";
import { problemText, registerProblems } from "../server-text";

// The notes loketd writes into a case's history itself (server/domain/case.cc), in the page's words
// (case.i18n.ts): only pages that show a history need them.
registerProblems([
  [/^([A-Z0-9_]+): (.+) \((\d+) bytes\)$/, "sv.attachNote", ["code", "file", "bytes:size"]],
  [/^permit (\S+), valid until ([\d-]+)$/, "sv.issueNoteUntil", ["number", "date:day"]],
  [/^permit (\S+)$/, "sv.issueNote", ["number"]],
  [/^([\s\S]*) \(reason published\)$/, "sv.revokeNotePublished", ["note"]],
  [/^collected by ([^;]+); ([\s\S]+)$/, "sv.collectNoteWith", ["who", "note"]],
  [/^collected by ([^;]+)$/, "sv.collectNote", ["who"]],
]);

type T = (key: string, vars?: Record<string, string | number>) => string;
export { caseStrings };

/** Every state a case list can filter by, in the order a case moves through them. */
export const CASE_STATES = [
  CaseState.DRAFT,
  CaseState.SUBMITTED,
  CaseState.VERIFYING,
  CaseState.REVISION_REQUESTED,
  CaseState.APPROVED,
  CaseState.REJECTED,
  CaseState.ISSUED,
  CaseState.DELIVERED,
  CaseState.COLLECTED,
  CaseState.WITHDRAWN,
  CaseState.REVOKED,
];

type Nav = { href: string; label: string }[];

/** A case page for an id that is not a case (or not this clinic's): says so, links back. */
export function CaseNotFound({ t, nav, back, backLabel }: { t: T; nav: Nav; back: string; backLabel: string }) {
  return (
    <Page title={t("case.notFound")} nav={nav}>
      <p class="notice bad" role="alert" data-testid="not-found">
        {t("case.notFound")}
      </p>
      <p>
        <a href={back}>{backLabel}</a>
      </p>
    </Page>
  );
}

/** A case page while the case loads, or the error that stopped it loading. */
export function CaseLoading({ t, title, nav, error }: { t: T; title: string; nav: Nav; error: unknown }) {
  return (
    <Page title={title} nav={nav}>
      <div role="status" aria-live="polite">
        {error ? <p class="notice bad">{errorText(error, t)}</p> : <p class="loading">{t("common.loading")}</p>}
      </div>
    </Page>
  );
}

/** One fact of a case's <dl>, left out when the case has no value for it. */
/** Saves bytes as a file the person can keep (a download, named as the server named it). */
export function saveFile(name: string, bytes: Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** The signed permit PDF (GetPermitDocument), for a case that has one: a button that downloads
 * it, and its fingerprint so a printout can be matched to it. */
export function PermitDownload({ c, t }: { c: Case; t: T }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  // A revoked permit is not handed out again (the printable page says so too).
  if (!c.permitDocumentSha256 || c.state === CaseState.REVOKED) return null;
  async function get() {
    setBusy(true);
    setError("");
    try {
      const d = await clients.case.getPermitDocument({ caseId: c.id });
      // The bytes are checked against the fingerprint the case carries before they are saved.
      if ((await sha256Hex(d.content)) !== d.sha256Hex) throw new Error(t("permitdoc.corrupt"));
      saveFile(d.fileName || `izin-${c.id}.pdf`, d.content, d.mediaType || "application/pdf");
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="permit-download no-print" data-testid="permit-download">
      <button type="button" disabled={busy} onClick={() => void get()}>
        {busy ? t("common.loading") : t("permitdoc.download")}
      </button>
      <p class="muted small-text">
        {t("permitdoc.sha")} <span class="mono">{c.permitDocumentSha256}</span>
      </p>
      {error && (
        <p class="notice bad" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** An issued permit's validity: the last valid day, and when and why it was revoked. */
export function ValidityFacts({ c, t }: { c: Case; t: T }) {
  return (
    <>
      {c.validUntil && (
        <>
          <dt>{t("case.validUntil")}</dt>
          <dd data-testid="valid-until">{formatDate(c.validUntil)}</dd>
        </>
      )}
      {c.state === CaseState.REVOKED && (
        <>
          <dt>{t("case.revokedAt")}</dt>
          <dd data-testid="revoked-at">{formatDateTime(c.revokedAt)}</dd>
          <OptionalFact term={t("case.revokeReason")} value={c.revokeReason} />
        </>
      )}
    </>
  );
}

export function OptionalFact({ term, value }: { term: string; value: string }) {
  if (!value) return null;
  return (
    <>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </>
  );
}

/** Which mandatory documents a case still lacks, or (once the permit types are known) that it has them all. */
export function MissingDocsNotice({ missing, known, t }: { missing: { name: string }[]; known: boolean; t: T }) {
  if (missing.length > 0) {
    return (
      <p class="notice warn" data-testid="missing-docs">
        {t("case.missingDocs", { list: missing.map((m) => m.name).join(", ") })}
      </p>
    );
  }
  return known ? <p class="notice ok">{t("case.allDocs")}</p> : null;
}

export function stateName(s: CaseState): string {
  return CaseState[s] ?? "UNSPECIFIED";
}

export function StateBadge({ state, t }: { state: CaseState; t: T }) {
  const n = stateName(state);
  return <span class={`badge s-${n}`} data-state={n}>{t("state." + n)}</span>;
}

export function channelText(c: Channel, t: T): string {
  return t("channel." + (Channel[c] ?? "UNSPECIFIED"));
}

export function dueText(c: Case, t: T): string {
  const s = c.sla;
  if (!s) return t("case.dueNone");
  if (s.paused) return t("case.duePaused");
  if (!s.dueDate) return t("case.dueNone");
  if (s.overdue) return t("case.dueOverdue", { date: formatDate(s.dueDate), days: Math.abs(s.workingDaysLeft) });
  return t("case.dueDate", { date: formatDate(s.dueDate), days: s.workingDaysLeft });
}

export function permitName(code: string, types: PermitType[]): string {
  return types.find((p) => p.code === code)?.name ?? code;
}

export function missingMandatory(c: Case, types: PermitType[]): { code: string; name: string }[] {
  const pt = types.find((p) => p.code === c.permitType);
  if (!pt) return [];
  const have = new Set(c.documents.map((d) => d.code));
  return pt.requiredDocuments.filter((r) => r.mandatory && !have.has(r.code)).map((r) => ({ code: r.code, name: r.name }));
}

export function docName(code: string, permitType: string, types: PermitType[]): string {
  const pt = types.find((p) => p.code === permitType);
  return pt?.requiredDocuments.find((r) => r.code === code)?.name ?? code;
}

export function DocumentTable({ c, types, t, actions }: { c: Case; types: PermitType[]; t: T; actions?: (d: Document) => preact.ComponentChildren }) {
  if (c.documents.length === 0) return <p>{t("case.noDocuments")}</p>;
  // A document sent again (a revision) replaces the earlier one of its kind: the newest is current,
  // and the earlier ones say what replaced them, so nobody judges the old scan.
  const newest = new Map<string, Document>();
  for (const d of c.documents) {
    const n = newest.get(d.code);
    if (!n || d.id > n.id) newest.set(d.code, d);
  }
  const sent = (code: string) => c.documents.filter((x) => x.code === code).length;
  return (
    <ul class="cards">
      {c.documents.map((d) => {
        const latest = newest.get(d.code);
        const replaced = latest !== undefined && latest.id !== d.id;
        return (
        <li class={replaced ? "card card--replaced" : "card"} key={String(d.id)} data-doc-code={d.code} data-replaced={replaced ? "true" : undefined}>
          <h3>
            {docName(d.code, c.permitType, types)}{" "}
            {replaced ? (
              <span class="badge badge--muted">{t("case.docReplaced", { date: formatDateTime(latest.uploadedAt) })}</span>
            ) : sent(d.code) > 1 ? (
              <span class="badge">{t("case.docCurrent")}</span>
            ) : null}
          </h3>
          <dl class="facts">
            <dt>{t("case.docFile")}</dt>
            <dd>{d.fileName} ({fileKind(d.mediaType)})</dd>
            <dt>{t("case.docSize")}</dt>
            <dd>{byteSize(d.sizeBytes)}</dd>
            <dt>{t("case.docUploaded")}</dt>
            <dd>{formatDateTime(d.uploadedAt)}</dd>
            <dt>{t("case.docHash")}</dt>
            <dd class="mono">{d.sha256Hex}</dd>
          </dl>
          {actions?.(d)}
        </li>
        );
      })}
    </ul>
  );
}

/** A document's kind as people name it ("PDF"), not its media type ("application/pdf"). */
function fileKind(mediaType: string): string {
  const known: Record<string, string> = { "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG" };
  return known[mediaType] ?? mediaType;
}

/** A history entry's action ("StartVerification", as loketd records it) in the page's words. */
export function actionText(action: string, t: T): string {
  return textOr(t, "action." + action, action);
}

// A recorded role ("clinic", as loketd stores it) in the page's words.
function roleText(role: string, t: T): string {
  return textOr(t, "role." + role.toUpperCase(), role);
}

/** `text` with the document code an attachment note starts with (SURAT_TEMPAT_PRAKTIK: …) named as the
 * office names the document. */
export function nameDocuments(text: string, permitType: string, types: PermitType[]): string {
  const docs = types.find((p) => p.code === permitType)?.requiredDocuments ?? [];
  if (docs.length === 0) return text;
  // Only loketd's own attachment note names a code, at its start ("KTP: ktp.pdf (586 B)"); a
  // person's note is theirs to word ("Mohon lampirkan e-KTP" stays as written).
  return text.replace(/^([A-Z][A-Z0-9_]{2,}):/, (whole, code: string) => {
    const name = docs.find((d) => d.code === code)?.name;
    return name ? `${name}:` : whole;
  });
}

export function History({ events, t, permitType = "", types = [] }: { events: CaseEvent[]; t: T; permitType?: string; types?: PermitType[] }) {
  if (events.length === 0) return <p>{t("case.noHistory")}</p>;
  return (
    <ol class="timeline" data-testid="history">
      {events.map((e) => (
        <li key={String(e.id)}>
          <div>
            <strong>
              {/* A step that moved nothing (a document attached) or began the case reads as itself,
                  not "Diajukan → Diajukan" or "— → Diajukan". */}
              {e.fromState === e.toState || e.fromState === CaseState.UNSPECIFIED
                ? actionText(e.action, t)
                : t("case.event", { action: actionText(e.action, t), from: t("state." + stateName(e.fromState)), to: t("state." + stateName(e.toState)) })}
            </strong>
          </div>
          <div class="muted">
            {formatDateTime(e.at)} ·{" "}
            {/* With no terminal named, loketd records the caller's address (loket-web's, for a
                page): no place a person would know, so it is left out. */}
            {/^(ipv4|ipv6|unix):/.test(e.terminal) || !e.terminal
              ? t("case.eventByNoTerminal", { actor: e.actor, role: roleText(e.actorRole, t) })
              : t("case.eventBy", { actor: e.actor, role: roleText(e.actorRole, t), terminal: e.terminal })}
          </div>
          {e.note && <div>{t("case.eventNote", { note: nameDocuments(problemText(e.note, t), permitType, types) })}</div>}
        </li>
      ))}
    </ol>
  );
}

export function Custody({ custody, t }: { custody: GetCustodyResponse | null; t: T }) {
  if (!custody || (custody.periods.length === 0 && custody.events.length === 0)) return <p>{t("case.noCustody")}</p>;
  const item = (i: string) => textOr(t, "case.custodyItem." + i, i);
  return (
    <div data-testid="custody">
      {!custody.complete && custody.events.length > 0 && <p class="notice warn">{t("case.custodyIncomplete")}</p>}
      {custody.periods.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("case.docCode")}</th>
                <th scope="col">{t("case.custodyHolder")}</th>
                <th scope="col">{t("case.custodyFrom")}</th>
                <th scope="col">{t("case.custodyUntil")}</th>
                <th scope="col">{t("case.custodyReceiver")}</th>
              </tr>
            </thead>
            <tbody>
              {custody.periods.map((p, i) => (
                <tr key={i}>
                  <td>{item(p.item)}</td>
                  <td>{p.holder}</td>
                  <td>{p.from ? formatDateTime(p.from) : t("case.custodyStart")}</td>
                  <td>{p.until ? formatDateTime(p.until) : t("case.custodyNow")}</td>
                  <td>{p.receivedBy || t("common.none")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {custody.events.length > 0 && (
        <>
          <h3>{t("case.custodyEvents")}</h3>
          <ol class="timeline">
            {custody.events.map((e) => (
              <li key={String(e.id)}>
                <strong>{t("case.custodyEvent", { item: item(e.item), from: e.fromHolder, to: e.toHolder })}</strong>
                <div class="muted">
                  {formatDateTime(e.at)} · {e.actor}
                  {e.receiverName ? ` · ${t("case.custodyReceiver")}: ${e.receiverName}` : ""}
                </div>
                {e.proofSha256 && (
                  <div>
                    {t("case.custodyProof")}: <span class="mono">{e.proofSha256}</span>
                  </div>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

export type Live = "connecting" | "live" | "reconnecting" | "off";

export type LiveCase = {
  c: Case | null;
  events: CaseEvent[];
  custody: GetCustodyResponse | null;
  error: unknown;
  notFound: boolean;
  live: Live;
  reload: () => Promise<Case | null>;
  setCase: (c: Case) => void;
};

/** A case kept current: loaded once, then every event from WatchCase (streamed through
 * loket-web) re-reads it. Reconnects with a growing pause, resuming after the last event seen. */
export function useLiveCase(caseId: bigint, opts: { custody?: boolean } = {}): LiveCase {
  const [c, setC] = useState<Case | null>(null);
  const [events, setEvents] = useState<CaseEvent[]>([]);
  const [custody, setCustody] = useState<GetCustodyResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notFound, setNotFound] = useState(false);
  const [live, setLive] = useState<Live>("connecting");
  const lastId = useRef(0n);
  const alive = useRef(true);

  async function reload(): Promise<Case | null> {
    try {
      const [cc, h] = await Promise.all([clients.case.getCase({ caseId }), clients.case.getCaseHistory({ caseId })]);
      if (!alive.current) return cc;
      setC(cc);
      setEvents(h.events);
      for (const e of h.events) if (e.id > lastId.current) lastId.current = e.id;
      setError(null);
      if (opts.custody !== false) {
        clients.courier
          .getCustody({ caseId })
          .then((r) => alive.current && setCustody(r))
          .catch(() => undefined);
      }
      return cc;
    } catch (err) {
      if (!alive.current) return null;
      const ce = ConnectError.from(err);
      if (ce.code === Code.NotFound || ce.code === Code.PermissionDenied) setNotFound(true);
      setError(err);
      return null;
    }
  }

  useEffect(() => {
    alive.current = true;
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    (async () => {
      const first = await reload();
      if (!first) {
        setLive("off");
        return;
      }
      let attempt = 0;
      while (!ctl.signal.aborted) {
        try {
          const stream = clients.case.watchCase({ caseId, afterEventId: lastId.current }, { signal: ctl.signal });
          setLive("live");
          for await (const ev of stream) {
            attempt = 0;
            if (ev.id <= lastId.current) continue;
            lastId.current = ev.id;
            setEvents((prev) => (prev.some((p) => p.id === ev.id) ? prev : [...prev, ev]));
            clearTimeout(refreshTimer);
            refreshTimer = setTimeout(() => {
              void clients.case.getCase({ caseId }).then((cc) => alive.current && setC(cc)).catch(() => undefined);
              if (opts.custody !== false) {
                void clients.courier.getCustody({ caseId }).then((r) => alive.current && setCustody(r)).catch(() => undefined);
              }
            }, 150);
          }
          // The server ended the stream (restart, idle limit): connect again.
        } catch (err) {
          if (ctl.signal.aborted) return;
          const ce = ConnectError.from(err);
          if (ce.code === Code.NotFound || ce.code === Code.PermissionDenied || ce.code === Code.Unauthenticated) {
            setLive("off");
            return;
          }
        }
        if (ctl.signal.aborted) return;
        setLive("reconnecting");
        attempt++;
        await new Promise<void>((r) => {
          timer = setTimeout(r, Math.min(15000, 1000 * 2 ** Math.min(attempt, 4)));
        });
        // Catch up on what happened meanwhile before streaming again.
        if (!ctl.signal.aborted) await reload();
      }
    })();
    return () => {
      alive.current = false;
      ctl.abort();
      clearTimeout(timer);
      clearTimeout(refreshTimer);
    };
  }, [String(caseId)]);

  return { c, events, custody, error, notFound, live, reload, setCase: setC };
}

export function LiveStatus({ live, t }: { live: Live; t: T }) {
  if (live === "off") return null;
  return (
    <p class={live === "reconnecting" ? "notice warn" : "muted"} role="status" data-live={live}>
      {live === "live" ? t("case.live") : live === "connecting" ? t("case.connecting") : t("case.reconnecting")}
    </p>
  );
}

// A list fetched once per page load and kept in localStorage for the signed-in office, so a page
// that loses the line (a clinic's) still has the last one it saw: `kept` says the answer is that
// copy. Only a failed network falls back to it; a refusal stays a refusal. Sign-out removes every
// kept list (session.ts), so the next person at a shared PC does not see them.
function keptForOffline<S extends DescMessage>(
  what: string,
  schema: S,
  load: () => Promise<MessageShape<S>>,
): Promise<{ value: MessageShape<S>; kept: boolean }> {
  const key = `${KEPT_PREFIX}${currentPrincipal()?.officeId ?? ""}.${what}`;
  return load().then(
    (value) => {
      try {
        localStorage.setItem(key, toJsonString(schema, value));
      } catch {
        /* storage full or off: the list still serves this page */
      }
      return { value, kept: false };
    },
    (err) => {
      const saved = isNetworkError(err) ? localStorage.getItem(key) : null;
      if (saved) return { value: fromJsonString(schema, saved), kept: true };
      throw err;
    },
  );
}

let clinicsCache: Promise<Clinic[]> | null = null;

/** The office's partner clinics (for filters and names), fetched once per page load. */
export function useClinics(): Clinic[] {
  const [clinics, setClinics] = useState<Clinic[]>([]);
  useEffect(() => {
    const load = () => {
      if (!clinicsCache) {
        clinicsCache = keptForOffline("clinics", ListClinicsResponseSchema, () => clients.admin.listClinics({})).then(({ value, kept }) => {
          if (kept) clinicsCache = null; // the kept copy serves until the line is back, then a fresh one
          return value.clinics;
        });
        clinicsCache.catch(() => (clinicsCache = null));
      }
      clinicsCache.then(setClinics).catch(() => undefined);
    };
    load();
    // A list that could not be read offline (and was never kept) is read when the line is back.
    addEventListener("online", load);
    return () => removeEventListener("online", load);
  }, []);
  return clinics;
}

/** A partner clinic's name, or its id until the list is in (or when it is not in it). */
export function clinicNameOf(clinics: Clinic[], id: string): string {
  return clinics.find((c) => c.id === id)?.name ?? id;
}

/** The permit catalog, loaded once per page load. */
let typesCache: Promise<PermitType[]> | null = null;
export function usePermitTypes(): PermitType[] {
  const [types, setTypes] = useState<PermitType[]>([]);
  useEffect(() => {
    if (!typesCache) {
      // Kept for offline use too, so the application form works without a line.
      typesCache = keptForOffline("catalog", ListPermitTypesResponseSchema, () => clients.catalog.listPermitTypes({})).then(({ value, kept }) => {
        if (kept) typesCache = null;
        return value.permitTypes;
      });
      typesCache.catch(() => {
        typesCache = null;
      });
    }
    typesCache.then(setTypes).catch(() => undefined);
  }, []);
  return types;
}

/** A message sent to the applicant, in words: "Perbaikan diminta · webhook · terkirim". */
export function notificationWhat(templateId: string, t: T): string {
  return textOr(t, "notif." + templateId, templateId);
}

export function notificationText(n: { templateId: string; channel: string; status: string }, t: T): string {
  const what = notificationWhat(n.templateId, t);
  const status = textOr(t, "notif.status." + n.status, n.status);
  const channel = notifChannelText(n.channel, t);
  return t("notif.line", { what, channel, status });
}

/** A message's channel in words: "SMS/WhatsApp", "e-mail". */
export function notifChannelText(channel: string, t: T): string {
  return textOr(t, "notif.channel." + channel, channel);
}

/** When a message went, or, while it waits, when it is due to go (a reminder, or the morning after
 * quiet hours): "4 Des 2026 01:44 WITA" or "dijadwalkan 4 Des 2026 06:00 WITA". A skipped one
 * says when it was due ("semula dijadwalkan ..."); a failed one is dated by when it was meant to go. */
export function notificationWhen(n: { sentAt: string; scheduledFor: string; status: string }, t: T): string {
  if (n.sentAt) return formatDateTime(n.sentAt);
  if (!n.scheduledFor) return "";
  if (n.status === "pending") return t("notif.due", { time: formatDateTime(n.scheduledFor) });
  if (n.status === "skipped") return t("notif.wasDue", { time: formatDateTime(n.scheduledFor) });
  return formatDateTime(n.scheduledFor);
}

/** A document's contents in the page (CaseService.GetDocument): a PDF in a frame, an image as an
 * image, anything else as a download; the bytes are checked against the recorded SHA-256. The
 * blob: URL lives while the viewer is open and is revoked on close and when the page goes away. */
export function DocViewer({ caseId, d, name, t }: { caseId: bigint; d: Document; name: string; t: T }) {
  const [view, setView] = useState<{ url: string; type: string; hashOk: boolean; got: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState("");
  const urlRef = useRef<string | null>(null);
  const alive = useRef(true);
  const boxId = `doc-view-${d.id}`;

  function revoke() {
    if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    urlRef.current = null;
  }
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      revoke();
    };
  }, []);

  async function open() {
    setBusy(true);
    setErr("");
    try {
      const r = await clients.case.getDocument({ caseId, documentId: d.id });
      const type = (r.document?.mediaType || d.mediaType || "application/octet-stream").toLowerCase();
      const got = await sha256Hex(r.content);
      if (!alive.current) return;
      revoke();
      const url = URL.createObjectURL(new Blob([r.content as BlobPart], { type }));
      urlRef.current = url;
      setView({ url, type, hashOk: !d.sha256Hex || got === d.sha256Hex.toLowerCase(), got });
    } catch (e) {
      if (alive.current) setErr(t("doc.failed", { msg: errorText(e, t) }));
    } finally {
      if (alive.current) setBusy(false);
    }
  }

  function close() {
    revoke();
    setView(null);
  }

  const isPdf = view?.type === "application/pdf";
  const isImage = view ? /^image\/(png|jpeg|gif|webp)$/.test(view.type) : false;
  return (
    <div class="doc-viewer no-print">
      <button
        type="button"
        class="secondary"
        disabled={busy}
        aria-expanded={view ? "true" : "false"}
        aria-controls={boxId}
        aria-label={view ? t("doc.closeLabel", { name }) : t("doc.viewLabel", { name })}
        data-testid="doc-view"
        onClick={() => (view ? close() : void open())}
      >
        {view ? t("doc.close") : t("doc.view")}
      </button>
      <div id={boxId} role="status" aria-live="polite">
        {busy && <p class="loading">{t("doc.loading")}</p>}
        {err && <p class="notice bad">{err}</p>}
        {view && (
          <p class={view.hashOk ? "muted" : "notice bad"} data-testid="doc-hash">
            {view.hashOk ? t("doc.hashOk") : t("doc.hashBad", { got: view.got })}
          </p>
        )}
      </div>
      {view && (
        <div class="doc-shown" data-testid="doc-content" data-type={view.type}>
          {isPdf && <iframe class="doc-frame" src={view.url} title={t("doc.frameTitle", { file: d.fileName })} />}
          {isImage && <img class="doc-image" src={view.url} alt={t("doc.imageAlt", { file: d.fileName })} />}
          {!isPdf && !isImage && <p>{t("doc.noPreview", { type: view.type })}</p>}
          <p>
            <a href={view.url} download={d.fileName || `document-${d.id}`}>
              {t("doc.download", { file: d.fileName || String(d.id) })}
            </a>
          </p>
        </div>
      )}
    </div>
  );
}

/** The tracking code as a facts row, with the sentence that tells what it is for. */
export function TrackingFacts({ code, t }: { code: string; t: T }) {
  if (!code) return null;
  return (
    <>
      <dt>{t("track.code")}</dt>
      <dd data-testid="tracking-code">
        <strong class="mono">{code}</strong>
        <br />
        <span class="muted">
          {t("track.sentence")} <a href={trackHref(code)}>{t("track.link")}</a>.
        </span>
      </dd>
    </>
  );
}

export function trackHref(code: string): string {
  return `#/track?code=${encodeURIComponent(code)}`;
}

/** The courier stops at the clinic's door for one case (pickup of the originals, delivery of the
 * permit), from CourierService.ListStops with the case id (any day). */
export function stopsAtDoor(stops: Stop[]): Stop[] {
  return stops
    .filter((s) => s.kind === StopKind.PICKUP || s.kind === StopKind.DELIVERY)
    .sort((a, b) => (a.day === b.day ? Number(a.id - b.id) : a.day < b.day ? -1 : 1));
}

/** The stop that matters now: the first one not finished, else the last one. */
export function currentStop(stops: Stop[]): Stop | undefined {
  const door = stopsAtDoor(stops);
  return door.find((s) => s.state === StopState.PENDING || s.state === StopState.PLANNED || s.state === StopState.ARRIVED) ?? door[door.length - 1];
}

export function stopText(s: Stop, t: T): string {
  const kind = t("stops.kind." + (StopKind[s.kind] ?? "PICKUP"));
  const window = s.windowStart && s.windowEnd ? t("stops.window", { day: formatDate(s.day), from: officeClock(s.windowStart), to: officeClock(s.windowEnd) }) : formatDate(s.day);
  const parts = [t("stops.state." + (StopState[s.state] ?? "PENDING"))];
  if (s.state === StopState.PLANNED && s.plannedAt) parts.push(t("stops.plannedAt", { time: officeClock(s.plannedAt) }));
  if ((s.state === StopState.PLANNED || s.state === StopState.ARRIVED) && s.courierName) parts.push(t("stops.courier", { name: s.courierName }));
  if (s.state === StopState.DONE && s.completedAt) parts.push(formatDateTime(s.completedAt));
  if (s.state === StopState.FAILED && s.failureReason) parts.push(t("stops.failed", { reason: failureReasonText(t, s.failureReason) }));
  return t("stops.line", { kind, window, state: parts.join(", ") });
}

/** A case's stops, re-read when `version` changes and each minute while the page is seen. */
export function useCaseStops(caseId: bigint, version: unknown, enabled = true): { stops: Stop[] | null; error: unknown } {
  const [stops, setStops] = useState<Stop[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!enabled || caseId <= 0n) return;
    let alive = true;
    const load = () =>
      clients.courier
        .listStops({ caseId })
        .then((r) => {
          if (!alive) return;
          setStops(stopsAtDoor(r.stops));
          setError(null);
        })
        .catch((e) => alive && setError(e));
    void load();
    const id = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, 60000);
    return () => {
      alive = false;
      clearInterval(id);
    };
  }, [String(caseId), version, enabled]);
  return { stops, error };
}

export function CourierStops({ stops, error, t }: { stops: Stop[] | null; error: unknown; t: T }) {
  return (
    <div data-testid="courier-stops">
      {error ? <p class="notice warn">{t("stops.loadFailed", { msg: errorText(error, t) })}</p> : null}
      {stops && stops.length === 0 && <p>{t("stops.none")}</p>}
      {stops && stops.length > 0 && (
        <ul>
          {stops.map((s) => (
            <li key={String(s.id)} data-stop-state={StopState[s.state]} data-stop-kind={StopKind[s.kind]}>
              {stopText(s, t)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
