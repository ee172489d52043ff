// Pieces of a case shared by the clinic portal and the office desk: state badge, due date,
// documents, history, custody chain, and the live case (GetCase + GetCaseHistory + WatchCase).
import { useEffect, useRef, useState } from "preact/hooks";
import { CaseState, Channel, type Case, type CaseEvent, type Document } from "@gen/loket/v1/case_pb.js";
import type { GetCustodyResponse } from "@gen/loket/v1/courier_pb.js";
import { ListPermitTypesResponseSchema, type PermitType } from "@gen/loket/v1/catalog_pb.js";
import { toJsonString, fromJsonString } from "@bufbuild/protobuf";
import { clients, Code, ConnectError } from "../api";
import { formatDate, formatDateTime } from "../i18n";
import { caseStrings } from "./case.i18n";

type T = (key: string, vars?: Record<string, string | number>) => string;
export { caseStrings };

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

export function sizeText(n: bigint | number, t: T): string {
  const v = Number(n);
  if (v < 1024) return t("case.bytes", { n: v });
  if (v < 1024 * 1024) return t("case.kib", { n: (v / 1024).toFixed(1) });
  return t("case.mib", { n: (v / 1024 / 1024).toFixed(2) });
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
  return (
    <ul class="cards">
      {c.documents.map((d) => (
        <li class="card" key={String(d.id)} data-doc-code={d.code}>
          <h3>{docName(d.code, c.permitType, types)}</h3>
          <dl class="facts">
            <dt>{t("case.docFile")}</dt>
            <dd>{d.fileName} ({d.mediaType})</dd>
            <dt>{t("case.docSize")}</dt>
            <dd>{sizeText(d.sizeBytes, t)}</dd>
            <dt>{t("case.docUploaded")}</dt>
            <dd>{formatDateTime(d.uploadedAt)}</dd>
            <dt>{t("case.docHash")}</dt>
            <dd class="mono">{d.sha256Hex}</dd>
          </dl>
          {actions?.(d)}
        </li>
      ))}
    </ul>
  );
}

export function History({ events, t }: { events: CaseEvent[]; t: T }) {
  if (events.length === 0) return <p>{t("case.noHistory")}</p>;
  return (
    <ol class="timeline" data-testid="history">
      {events.map((e) => (
        <li key={String(e.id)}>
          <div>
            <strong>
              {t("case.event", { action: e.action, from: t("state." + stateName(e.fromState)), to: t("state." + stateName(e.toState)) })}
            </strong>
          </div>
          <div class="muted">
            {formatDateTime(e.at)} · {t("case.eventBy", { actor: e.actor, role: e.actorRole, terminal: e.terminal || t("common.none") })}
          </div>
          {e.note && <div>{t("case.eventNote", { note: e.note })}</div>}
        </li>
      ))}
    </ol>
  );
}

export function Custody({ custody, t }: { custody: GetCustodyResponse | null; t: T }) {
  if (!custody || (custody.periods.length === 0 && custody.events.length === 0)) return <p>{t("case.noCustody")}</p>;
  const item = (i: string) => t("case.custodyItem." + i) === "case.custodyItem." + i ? i : t("case.custodyItem." + i);
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

/** The permit catalog, loaded once per page load. */
let typesCache: Promise<PermitType[]> | null = null;
export function usePermitTypes(): PermitType[] {
  const [types, setTypes] = useState<PermitType[]>([]);
  useEffect(() => {
    if (!typesCache) {
      // Kept in localStorage too, so the application form works offline.
      typesCache = clients.catalog
        .listPermitTypes({})
        .then((r) => {
          try {
            localStorage.setItem("loket.catalog", toJsonString(ListPermitTypesResponseSchema, r));
          } catch {
            /* ignore */
          }
          return r.permitTypes;
        })
        .catch((err) => {
          const saved = localStorage.getItem("loket.catalog");
          if (saved) return fromJsonString(ListPermitTypesResponseSchema, saved).permitTypes;
          throw err;
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
  const k = "notif." + templateId;
  return t(k) === k ? templateId : t(k);
}

export function notificationText(n: { templateId: string; channel: string; status: string }, t: T): string {
  const what = notificationWhat(n.templateId, t);
  const sk = "notif.status." + n.status;
  const status = t(sk) === sk ? n.status : t(sk);
  return t("notif.line", { what, channel: n.channel, status });
}
