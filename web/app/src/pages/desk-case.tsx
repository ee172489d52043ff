// The desk's case page: facts, the tracking code, documents (metadata, SHA-256, the contents
// shown in the page through GetDocument), history, custody, live; the
// actions the signed-in role may take in the case's state (auth.cc: officers verify, ask for
// revisions and issue; approvers approve, reject and ask for revisions). Every action carries the
// etag of the case as the user saw it: ABORTED (changed meanwhile) or a state that moved on shows
// "this case was changed by someone else" with the re-read state, never a silent overwrite.
import { useState } from "preact/hooks";
import { CaseState, Channel, type Case } from "@gen/loket/v1/case_pb.js";
import { Page } from "../layout";
import { useT, formatDate, formatDateTime } from "../i18n";
import { clients, errorText, newRequestId, Code, ConnectError } from "../api";
import { useSession, Role } from "../session";
import type { RouteProps } from "../router";
import { deskStrings } from "./desk.i18n";
import { deskNav } from "./desk";
import { actionText, CaseLoading, CaseNotFound, MissingDocsNotice, OptionalFact, caseStrings, StateBadge, dueText, permitName, usePermitTypes, useLiveCase, LiveStatus, DocumentTable, History, Custody, missingMandatory, channelText, stateName, notificationWhat, notifChannelText, notificationWhen, DocViewer, docName, TrackingFacts, ValidityFacts, PermitDownload, useClinics, clinicNameOf } from "./case-parts";
import { serverText } from "../server-text";
import "./staff-words.i18n"; // the counter, kiosk and courier words for loketd's messages

type Action = "StartVerification" | "RequestRevision" | "Approve" | "Reject" | "Issue" | "MarkCollected" | "MarkDelivered" | "RevokePermit";
type Decision = "RequestRevision" | "Approve" | "Reject" | "RevokePermit" | "Issue";

/** What the role may do in this state (the server decides; this only hides what would fail). */
function actionsFor(role: Role | undefined, s: CaseState): Action[] {
  const out: Action[] = [];
  if (role === Role.OFFICER) {
    if (s === CaseState.SUBMITTED) out.push("StartVerification");
    if (s === CaseState.VERIFYING) out.push("RequestRevision");
    if (s === CaseState.APPROVED) out.push("Issue");
    if (s === CaseState.ISSUED) out.push("MarkCollected", "MarkDelivered");
  }
  if (role === Role.APPROVER) {
    if (s === CaseState.VERIFYING) out.push("Approve", "RequestRevision", "Reject");
    if (s === CaseState.REVISION_REQUESTED) out.push("Reject");
    if (s === CaseState.ISSUED || s === CaseState.DELIVERED || s === CaseState.COLLECTED) out.push("RevokePermit");
  }
  return out;
}

const LABEL: Record<Action, string> = {
  StartVerification: "dcase.verify",
  RequestRevision: "dcase.requestRevision",
  Approve: "dcase.approve",
  Reject: "dcase.reject",
  Issue: "dcase.issue",
  MarkCollected: "dcase.collected",
  MarkDelivered: "dcase.delivered",
  RevokePermit: "dcase.revoke",
};

type T = (key: string, vars?: Record<string, string | number>) => string;
// Messages are kept as functions of the translator, so a language switch re-words them.
type Msg = { kind: "ok" | "warn" | "bad"; lines: (t: T) => string[]; conflict?: boolean };

/** A note's or reason's longest length in loketd (domain/case.cc kMaxNoteBytes). */
const NOTE_MAX_BYTES = 1000;

export default function DeskCase({ params }: RouteProps) {
  const t = useT(deskStrings, caseStrings);
  const { principal } = useSession();
  const idOk = /^\d{1,18}$/.test(params.id ?? "");
  const caseId = idOk ? BigInt(params.id) : 0n;
  const types = usePermitTypes();
  const clinics = useClinics();
  const live = useLiveCase(caseId);
  const c = live.c;
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Msg | null>(null);
  // An open decision keeps the case version (etag) the user reviewed.
  const [decision, setDecision] = useState<{ kind: Decision; etag: string; openedAt: string } | null>(null);
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState("");
  const [newPaper, setNewPaper] = useState(false);
  const [publishReason, setPublishReason] = useState(true);
  // Collection at the counter: who takes the permit, on which identity document.
  const [collect, setCollect] = useState<{ etag: string } | null>(null);
  const [collector, setCollector] = useState({ name: "", idDocumentType: "KTP", idDocumentNumber: "" });

  if (!idOk || live.notFound) {
    return <CaseNotFound t={t} nav={deskNav(t)} back="#/desk" backLabel={t("dcase.back")} />;
  }
  const title = t("dcase.title", { id: params.id });
  if (!c) {
    return <CaseLoading t={t} title={title} nav={deskNav(t)} error={live.error} />;
  }

  async function act(action: Action, etag: string, withNote: string) {
    setBusy(true);
    setMsg(null);
    const req = {
      requestId: newRequestId(),
      caseId,
      etag,
      note: withNote,
      newPaper: action === "RequestRevision" ? newPaper : false,
      collector: action === "MarkCollected" ? { name: collector.name.trim(), idDocumentType: collector.idDocumentType, idDocumentNumber: collector.idDocumentNumber.trim() } : undefined,
    };
    try {
      let next: Case;
      switch (action) {
        case "StartVerification":
          next = await clients.case.startVerification(req);
          break;
        case "RequestRevision":
          next = await clients.case.requestRevision(req);
          break;
        case "Approve":
          next = await clients.case.approve(req);
          break;
        case "Reject":
          next = await clients.case.reject(req);
          break;
        case "Issue":
          next = await clients.case.issue(req);
          break;
        case "MarkCollected":
          next = await clients.case.markCollected(req);
          break;
        case "MarkDelivered":
          next = await clients.case.markDelivered(req);
          break;
        case "RevokePermit":
          next = await clients.case.revokePermit({ requestId: req.requestId, caseId, etag, reason: withNote, publishReason });
          break;
      }
      live.setCase(next);
      setDecision(null);
      setCollect(null);
      setNote("");
      setNewPaper(false);
      setMsg({
        kind: "ok",
        lines: (tt) => [action === "Issue" ? tt("dcase.done.Issue", { number: next.permitNumber, code: next.verificationCode }) : tt("dcase.done." + action)],
      });
      void live.reload();
    } catch (err) {
      const ce = ConnectError.from(err);
      // Re-read: the answer must show where the case is now.
      const now = await live.reload();
      const changed = ce.code === Code.Aborted || (ce.code === Code.FailedPrecondition && now !== null && now.etag !== etag);
      if (changed && now) {
        setDecision(null);
        const hist = await clients.case.getCaseHistory({ caseId }).catch(() => null);
        const last = hist?.events[hist.events.length - 1];
        const lines = (tt: T) => {
          const l = [tt("dcase.conflict"), tt("dcase.conflictNow", { state: tt("state." + stateName(now.state)) })];
          if (last) l.push(tt("dcase.conflictLast", { action: actionText(last.action, tt), actor: last.actor, time: formatDateTime(last.at) }));
          return l;
        };
        setMsg({ kind: "bad", lines, conflict: true });
      } else {
        setMsg({ kind: "bad", lines: (tt) => [ce.code === Code.FailedPrecondition ? tt("dcase.refused", { msg: serverText(ce.rawMessage, tt) }) : errorText(err, tt)] });
      }
    } finally {
      setBusy(false);
    }
  }

  function confirmDecision(e: Event) {
    e.preventDefault();
    if (!decision) return;
    if ((decision.kind === "RequestRevision" || decision.kind === "Reject" || decision.kind === "RevokePermit") && !note.trim()) {
      setNoteError(t("dcase.noteRequired"));
      document.getElementById("decision-note")?.focus();
      return;
    }
    setNoteError("");
    // loketd's limit, checked here so the answer stands beside the field (bytes: "é" counts 2).
    const bytes = new TextEncoder().encode(note.trim()).length;
    if (bytes > NOTE_MAX_BYTES) {
      setNoteError(t("dcase.noteTooLong", { n: bytes }));
      document.getElementById("decision-note")?.focus();
      return;
    }
    void act(decision.kind, decision.etag, note.trim());
  }

  const actions = actionsFor(principal?.role, c.state);
  const missing = missingMandatory(c, types);

  return (
    <Page title={title} class="wide" nav={deskNav(t)}>
      <p>
        <a href="#/desk">{t("dcase.back")}</a>
      </p>
      <div class="spread">
        <span>
          <StateBadge state={c.state} t={t} /> {c.sla?.overdue && <span class="badge overdue">{t("case.overdue")}</span>}
        </span>
        <LiveStatus live={live.live} t={t} />
      </div>
      <div role="alert" aria-live="assertive" data-testid="action-status">
        {msg && (
          <div class={`notice ${msg.kind}`} data-conflict={msg.conflict ? "1" : undefined}>
            {msg.lines(t).map((l, i) => (
              <p key={i}>{l}</p>
            ))}
          </div>
        )}
      </div>
      <div class="desk-grid">
        <section aria-labelledby="facts-title">
          <h2 id="facts-title" class="visually-hidden">
            {t("case.applicant")}
          </h2>
          <dl class="facts" data-testid="case-facts">
            <dt>{t("case.applicant")}</dt>
            <dd data-testid="applicant-name">{c.applicant?.name}</dd>
            <dt>{t("case.nik")}</dt>
            <dd>{c.applicant?.nik}</dd>
            <dt>{t("case.phone")}</dt>
            <dd>{c.applicant?.phone}</dd>
            {c.applicant?.email && (
              <>
                <dt>{t("case.email")}</dt>
                <dd>{c.applicant.email}</dd>
              </>
            )}
            <dt>{t("case.permitType")}</dt>
            <dd>{permitName(c.permitType, types)}</dd>
            <dt>{t("case.channel")}</dt>
            <dd>{channelText(c.channel, t)}</dd>
            <OptionalFact term={t("case.clinic")} value={c.clinicId ? clinicNameOf(clinics, c.clinicId) : ""} />
            <OptionalFact term={t("case.practicePlace")} value={c.practicePlace} />
            <OptionalFact term={t("case.strNumber")} value={c.strNumber} />
            <OptionalFact term={t("case.strValidUntil")} value={c.strValidUntil ? formatDate(c.strValidUntil) : ""} />
            <dt>{t("case.due")}</dt>
            <dd>{dueText(c, t)}</dd>
            <TrackingFacts code={c.trackingCode} t={t} />
            <dt>{t("case.created")}</dt>
            <dd>{formatDateTime(c.createdAt)}</dd>
            <dt>{t("case.updated")}</dt>
            <dd>{formatDateTime(c.updatedAt)}</dd>
            {/* Once answered, the officer's request is history: named as the last one asked. */}
            <OptionalFact term={t(c.state === CaseState.REVISION_REQUESTED ? "case.revisionReason" : "case.revisionReasonLast")} value={c.revisionReason} />
            <OptionalFact term={t("case.decisionNote")} value={c.decisionNote} />
            {c.collectedBy && (
              <>
                <dt>{t("dcase.collectedBy")}</dt>
                <dd data-testid="collected-by">
                  {c.collectedBy.name} · {c.collectedBy.idDocumentType} {c.collectedBy.idDocumentNumber}
                </dd>
              </>
            )}
            {c.permitNumber && (
              <>
                <dt>{t("case.permitNumber")}</dt>
                <dd data-testid="permit-number">{c.permitNumber}</dd>
                <dt>{t("case.verificationCode")}</dt>
                <dd class="mono">{c.verificationCode}</dd>
              </>
            )}
            <ValidityFacts c={c} t={t} />
          </dl>
          {c.permitNumber && (
            <p>
              <a class="button secondary" href={`#/permit/${params.id}`}>
                {t("dcase.permitPage")}
              </a>
            </p>
          )}
          <PermitDownload c={c} t={t} />
        </section>

        <section aria-labelledby="actions-title" class="actions no-print">
          <h2 id="actions-title">{t("dcase.actions")}</h2>
          {actions.length === 0 && !decision && <p class="muted">{t("dcase.noActions")}</p>}
          <div class="row">
            {actions.map((a) => {
              // Issuing gives the permit its number at once and cannot be undone: asked twice too.
              const isDecision = a === "RequestRevision" || a === "Approve" || a === "Reject" || a === "RevokePermit" || a === "Issue";
              return (
                <button
                  key={a}
                  type="button"
                  class={a === "Reject" || a === "RevokePermit" ? "danger" : a === "RequestRevision" ? "secondary" : "ok"}
                  disabled={busy}
                  aria-expanded={isDecision ? decision?.kind === a : undefined}
                  onClick={() => {
                    if (isDecision) {
                      setDecision({ kind: a as Decision, etag: c.etag, openedAt: new Date().toISOString() });
                      setNoteError("");
                      setTimeout(() => document.getElementById("decision-note")?.focus(), 0);
                    } else if (a === "MarkCollected") {
                      setCollect({ etag: c.etag });
                      setTimeout(() => document.getElementById("collector-name")?.focus(), 0);
                    } else {
                      void act(a, c.etag, "");
                    }
                  }}
                >
                  {t(LABEL[a])}
                </button>
              );
            })}
          </div>
          {collect && (
            <form
              class="decision"
              data-testid="collect"
              onSubmit={(e) => {
                e.preventDefault();
                void act("MarkCollected", collect.etag, "");
              }}
            >
              <p class="muted">{t("dcase.collectWho")}</p>
              <label for="collector-name">{t("dcase.collectorName")}</label>
              <input id="collector-name" type="text" required maxLength={100} autocomplete="off" value={collector.name} onInput={(e) => setCollector({ ...collector, name: e.currentTarget.value })} />
              <label for="collector-id-type">{t("dcase.collectorIdType")}</label>
              <select id="collector-id-type" value={collector.idDocumentType} onChange={(e) => setCollector({ ...collector, idDocumentType: e.currentTarget.value })}>
                {["KTP", "SIM", "PASPOR", "KITAS"].map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
              <label for="collector-id-number">{t("dcase.collectorIdNumber")}</label>
              <input id="collector-id-number" type="text" required maxLength={24} autocomplete="off" value={collector.idDocumentNumber} onInput={(e) => setCollector({ ...collector, idDocumentNumber: e.currentTarget.value })} />
              <div class="form-actions">
                <button type="submit" disabled={busy}>
                  {t("dcase.collected")}
                </button>
                <button type="button" class="secondary" onClick={() => setCollect(null)}>
                  {t("common.cancel")}
                </button>
              </div>
            </form>
          )}
          {decision && (
            <form class="decision" onSubmit={confirmDecision} noValidate data-testid="decision">
              <p class="muted">{t("dcase.reviewing", { time: formatDateTime(decision.openedAt) })}</p>
              <label for="decision-note">
                {decision.kind === "RequestRevision" ? t("dcase.noteRevision") : decision.kind === "Reject" ? t("dcase.noteReject") : decision.kind === "RevokePermit" ? t("dcase.noteRevoke") : decision.kind === "Issue" ? t("dcase.noteIssue") : t("dcase.noteApprove")}
              </label>
              <textarea
                id="decision-note"
                value={note}
                aria-invalid={noteError ? "true" : undefined}
                aria-describedby={noteError ? "decision-note-error" : undefined}
                onInput={(e) => setNote(e.currentTarget.value)}
              />
              {noteError && (
                <p class="field-error" id="decision-note-error">
                  {noteError}
                </p>
              )}
              {decision.kind === "RevokePermit" && (
                <label class="check">
                  <input type="checkbox" checked={publishReason} onChange={(e) => setPublishReason(e.currentTarget.checked)} />
                  {t("dcase.publishReason")}
                </label>
              )}
              {decision.kind === "RequestRevision" && c.channel === Channel.CLINIC && (
                <label class="check">
                  <input type="checkbox" checked={newPaper} onChange={(e) => setNewPaper(e.currentTarget.checked)} />
                  {t("dcase.newPaper")}
                </label>
              )}
              <div class="form-actions">
                <button type="submit" disabled={busy} class={decision.kind === "Reject" || decision.kind === "RevokePermit" ? "danger" : ""}>
                  {decision.kind === "Approve" ? t("dcase.confirm.approve") : decision.kind === "Reject" ? t("dcase.confirm.reject") : decision.kind === "RevokePermit" ? t("dcase.confirm.revoke") : decision.kind === "Issue" ? t("dcase.confirm.issue") : t("dcase.confirm.revision")}
                </button>
                <button type="button" class="secondary" onClick={() => setDecision(null)}>
                  {t("common.cancel")}
                </button>
              </div>
            </form>
          )}
        </section>
      </div>

      <h2>{t("case.documents")}</h2>
      <MissingDocsNotice missing={missing} known={types.length > 0} t={t} />
      <DocumentTable c={c} types={types} t={t} actions={(d) => <DocViewer caseId={caseId} d={d} name={docName(d.code, c.permitType, types)} t={t} />} />

      <h2>{t("case.history")}</h2>
      <History events={live.events} t={t} permitType={c.permitType} types={types} />

      <h2>{t("case.custody")}</h2>
      <Custody custody={live.custody} t={t} />

      {c.notifications.length > 0 && (
        <>
          <h2>{t("case.notifications")}</h2>
          <div class="table-wrap">
            <table class="stack" data-testid="notifications">
              <thead>
                <tr>
                  <th scope="col">{t("case.docCode")}</th>
                  <th scope="col">{t("desk.channel")}</th>
                  <th scope="col">{t("case.state")}</th>
                  <th scope="col">{t("notif.when")}</th>
                </tr>
              </thead>
              <tbody>
                {c.notifications.map((n) => (
                  <tr key={String(n.id)}>
                    <td data-label={t("case.docCode")}>{notificationWhat(n.templateId, t)}</td>
                    <td data-label={t("desk.channel")}>
                      {notifChannelText(n.channel, t)} · {n.address}
                    </td>
                    <td data-label={t("case.state")}>
                      {t("notif.status." + n.status) === "notif.status." + n.status ? n.status : t("notif.status." + n.status)}
                      {/* Why it has not gone (the gateway's words, for whoever follows it up); a
                          sent message's detail is the gateway's receipt, and a skipped one's
                          status says it all. */}
                      {n.detail && n.status !== "sent" && n.status !== "skipped" ? ` (${n.detail})` : ""}
                    </td>
                    <td data-label={t("notif.when")}>{notificationWhen(n, t)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Page>
  );
}
