// A clinic's case: state, due date, tracking code, documents (viewable), the courier's stops, the revision to answer, history and custody chain,
// kept live with WatchCase. Attachments and the revision answer go through the outbox.
import { useEffect, useState } from "preact/hooks";
import { CaseState } from "@gen/loket/v1/case_pb.js";
import { Page } from "../layout";
import { useT, formatDateTime } from "../i18n";
import { clients, errorText, newRequestId } from "../api";
import { enqueue, refusalOf, sendNow, startOutbox, removeEntry } from "../outbox";
import type { RouteProps } from "../router";
import { sha256Hex } from "../sha256";
import { clinicStrings } from "./clinic.i18n";
import { CaseLoading, CaseNotFound, MissingDocsNotice, OptionalFact, caseStrings, StateBadge, dueText, permitName, usePermitTypes, useLiveCase, LiveStatus, DocumentTable, History, Custody, missingMandatory, channelText, notificationText, notificationWhen, DocViewer, docName, TrackingFacts, trackHref, useCaseStops, CourierStops, ValidityFacts, PermitDownload } from "./case-parts";
import { clinicNav, checkFile, OutboxPanel } from "./clinic-common";
import { FileInput } from "../file-input";

const OPEN = new Set([CaseState.DRAFT, CaseState.SUBMITTED, CaseState.VERIFYING, CaseState.REVISION_REQUESTED]);

export default function ClinicCase({ params, query }: RouteProps) {
  const t = useT(clinicStrings, caseStrings);
  const idOk = /^\d{1,18}$/.test(params.id ?? "");
  const caseId = idOk ? BigInt(params.id) : 0n;
  const types = usePermitTypes();
  const live = useLiveCase(caseId);
  const c = live.c;
  // The courier's stops at the clinic's door, re-read whenever the case moves.
  const stops = useCaseStops(caseId, live.events.length, idOk && !live.notFound);
  const justSent = query.get("sent") === "1";
  const [code, setCode] = useState("");
  const [file, setFile] = useState<{ name: string; bytes: Uint8Array; mediaType: string } | null>(null);
  const [fileError, setFileError] = useState("");
  const [codeError, setCodeError] = useState("");
  const [note, setNote] = useState("");
  const [withdrawNote, setWithdrawNote] = useState("");
  const [busy, setBusy] = useState(false);
  // Sending a revision while a mandatory document is still missing takes a second, deliberate click.
  const [sendAnyway, setSendAnyway] = useState(false);
  const [msg, setMsg] = useState<{ kind: "ok" | "warn" | "bad"; text: string } | null>(null);

  useEffect(() => startOutbox(), []);
  // A message about the clinic's own step goes when the case moves on without it (the office
  // issued it while the page was open): "revision sent" above an "issued" badge misleads.
  const state = c?.state;
  useEffect(() => {
    if (!busy) setMsg(null);
  }, [state]);

  if (!idOk || live.notFound) {
    return <CaseNotFound t={t} nav={clinicNav(t)} back="#/clinic" backLabel={t("case.backToList")} />;
  }

  const title = t("case.title", { id: params.id });
  if (!c) {
    return <CaseLoading t={t} title={title} nav={clinicNav(t)} error={live.error} />;
  }

  const pt = types.find((p) => p.code === c.permitType);
  const missing = missingMandatory(c, types);
  const canAttach = OPEN.has(c.state);

  async function attach(e: Event) {
    e.preventDefault();
    // Each missing part is named at its own control.
    setCodeError(code ? "" : t("v.required"));
    setFileError(file ? "" : t("v.required"));
    if (!code || !file) {
      document.getElementById(code ? "attach-file" : "attach-code")?.focus();
      return;
    }
    setBusy(true);
    setMsg(null);
    try {
      const rid = newRequestId();
      const entry = await enqueue({
        id: rid,
        kind: "documents",
        label: `#${params.id} · ${code}`,
        caseId: params.id,
        docs: [{ requestId: rid, code, fileName: file.name, mediaType: file.mediaType, bytes: file.bytes, sha256: await sha256Hex(file.bytes), done: false }],
      });
      const after = await sendNow(entry.id);
      if (after?.status === "sent") {
        setMsg({ kind: "ok", text: t("case.attached", { code }) });
        await removeEntry(after.id);
        await live.reload();
      } else if (after?.status === "failed") {
        // Refused (the file is not what it says, say): the kind chosen stays, the file goes.
        await removeEntry(after.id);
        const err = refusalOf(after);
        setFileError(errorText(err, t));
      } else {
        setMsg({ kind: "warn", text: t("case.queuedAttach") });
      }
      if (after?.status !== "failed") setCode("");
      setFile(null);
      const input = document.getElementById("attach-file") as HTMLInputElement | null;
      if (input) input.value = "";
    } catch (err) {
      setMsg({ kind: "bad", text: errorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  async function sendRevision() {
    setBusy(true);
    setMsg(null);
    try {
      const rid = newRequestId();
      const entry = await enqueue({ id: rid, kind: "revision", label: `#${params.id}`, caseId: params.id, docs: [], revise: { requestId: rid, note: note.trim() } });
      const after = await sendNow(entry.id);
      if (after?.status === "sent") {
        await removeEntry(after.id);
        setMsg({ kind: "ok", text: t("case.revisionSent") });
        setNote("");
        await live.reload();
      } else if (after?.status === "failed") {
        await removeEntry(after.id);
        setMsg({ kind: "bad", text: errorText(refusalOf(after), t) });
        await live.reload();
      } else {
        setMsg({ kind: "warn", text: t("case.queuedAttach") });
      }
    } catch (err) {
      setMsg({ kind: "bad", text: errorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  async function transition(kind: "submitDraft" | "withdraw") {
    if (!c) return;
    setBusy(true);
    setMsg(null);
    try {
      const req = { requestId: newRequestId(), caseId, etag: c.etag, note: kind === "withdraw" ? withdrawNote.trim() : "" };
      const next = kind === "submitDraft" ? await clients.case.submitDraft(req) : await clients.case.withdraw(req);
      live.setCase(next);
      setMsg({ kind: "ok", text: kind === "submitDraft" ? t("case.draftSubmitted") : t("case.withdrawn") });
      await live.reload();
    } catch (err) {
      setMsg({ kind: "bad", text: errorText(err, t) });
      await live.reload();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={title} nav={clinicNav(t)}>
      <p>
        <a href="#/clinic">{t("case.backToList")}</a>
      </p>
      <div class="spread">
        <StateBadge state={c.state} t={t} />
        <LiveStatus live={live.live} t={t} />
      </div>
      <div role="status" aria-live="polite" data-testid="case-status">
        {msg && <p class={`notice ${msg.kind}`}>{msg.text}</p>}
        {/* Only while the case is as it was sent: once the office moves it, what to do now leads. */}
        {justSent && !msg && (c.state === CaseState.SUBMITTED || c.state === CaseState.DRAFT) && (
          <div class="notice ok" data-testid="sent-confirmation">
            {/* A draft was saved, not sent: nothing to hand the applicant yet. */}
            <p>{t(c.state === CaseState.DRAFT ? "case.draftSaved" : "case.sentConfirm", { id: params.id })}</p>
            {c.trackingCode && c.state !== CaseState.DRAFT && (
              <p>
                {t("case.sentTracking", { code: c.trackingCode })} <a href={trackHref(c.trackingCode)}>{t("track.link")}</a>.
              </p>
            )}
          </div>
        )}
      </div>
      <dl class="facts" data-testid="case-facts">
        <dt>{t("case.applicant")}</dt>
        <dd data-testid="applicant-name">{c.applicant?.name}</dd>
        <dt>{t("case.nik")}</dt>
        <dd>{c.applicant?.nik}</dd>
        <dt>{t("case.phone")}</dt>
        <dd>{c.applicant?.phone}</dd>
        <dt>{t("case.permitType")}</dt>
        <dd>{permitName(c.permitType, types)}</dd>
        <dt>{t("case.channel")}</dt>
        <dd>{channelText(c.channel, t)}</dd>
        <dt>{t("case.due")}</dt>
        <dd>{dueText(c, t)}</dd>
        <TrackingFacts code={c.trackingCode} t={t} />
        <OptionalFact term={t("case.practicePlace")} value={c.practicePlace} />
        <OptionalFact term={t("case.strNumber")} value={c.strNumber} />
        <dt>{t("case.created")}</dt>
        <dd>{formatDateTime(c.createdAt)}</dd>
        <OptionalFact term={t("case.decisionNote")} value={c.decisionNote} />
        {c.permitNumber && (
          <>
            <dt>{t("case.permitNumber")}</dt>
            <dd>
              {c.permitNumber} · <a href={`#/permit/${params.id}`}>{t("case.permitLink")}</a>
            </dd>
          </>
        )}
        <ValidityFacts c={c} t={t} />
      </dl>
      <PermitDownload c={c} t={t} />

      {c.state === CaseState.REVISION_REQUESTED && (
        <section aria-labelledby="revision-title" class="notice warn">
          <h2 id="revision-title">{t("case.answerRevision")}</h2>
          <p>
            <strong>{t("case.revisionReason")}:</strong> {c.revisionReason}
          </p>
          <p>{t("case.answerIntro")}</p>
        </section>
      )}

      {canAttach && pt && (
        <section aria-labelledby="attach-title">
          <h2 id="attach-title">{t("case.attach")}</h2>
          <form onSubmit={attach} noValidate>
            <label for="attach-code">{t("case.attachCode")}</label>
            <select
              id="attach-code"
              value={code}
              aria-invalid={codeError ? "true" : undefined}
              aria-describedby={codeError ? "attach-code-error" : undefined}
              onChange={(e) => {
                setCode(e.currentTarget.value);
                setCodeError("");
              }}
            >
              <option value="">{t("new.choose")}</option>
              {pt.requiredDocuments.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name} ({r.mandatory ? t("new.mandatory") : t("new.optional")})
                </option>
              ))}
            </select>
            {codeError && (
              <p class="field-error" id="attach-code-error">
                {codeError}
              </p>
            )}
            <label for="attach-file">
              {t("case.attachFile")}
              <span class="hint">{t("new.documentsHint")}</span>
            </label>
            <FileInput
              id="attach-file"
              accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
              aria-invalid={fileError ? "true" : undefined}
              aria-describedby={fileError ? "attach-file-error" : undefined}
              onChange={async (e) => {
                const input = e.currentTarget;
                const f = input.files?.[0];
                setFileError("");
                if (!f) return setFile(null);
                const r = await checkFile(f, t);
                if ("error" in r) {
                  setFileError(r.error);
                  input.value = "";
                  setFile(null);
                } else {
                  setFile({ name: f.name, bytes: r.bytes, mediaType: r.mediaType });
                }
              }}
            />
            {fileError && (
              <p class="field-error" id="attach-file-error">
                {fileError}
              </p>
            )}
            <div class="form-actions">
              <button type="submit" disabled={busy}>
                {t("case.attachButton")}
              </button>
            </div>
          </form>
        </section>
      )}

      {c.state === CaseState.REVISION_REQUESTED && (
        <section aria-labelledby="send-revision-title">
          <h2 id="send-revision-title">{t("case.sendRevision")}</h2>
          <label for="revision-note">{t("case.revisionNote")}</label>
          <textarea id="revision-note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          {missing.length > 0 && (
            <p class="notice warn" id="revision-missing" data-testid="revision-missing">
              {t("case.revisionMissingDocs", { docs: missing.map((d) => d.name).join(", ") })}
            </p>
          )}
          <div class="form-actions">
            <button
              type="button"
              disabled={busy}
              aria-describedby={missing.length > 0 ? "revision-missing" : undefined}
              onClick={() => {
                if (missing.length > 0 && !sendAnyway) {
                  setSendAnyway(true);
                  return;
                }
                setSendAnyway(false);
                void sendRevision();
              }}
            >
              {missing.length > 0 && sendAnyway ? t("case.sendRevisionAnyway") : t("case.sendRevision")}
            </button>
          </div>
        </section>
      )}

      {c.state === CaseState.DRAFT && (
        <div class="form-actions">
          <button type="button" disabled={busy} onClick={() => void transition("submitDraft")}>
            {t("case.submitDraft")}
          </button>
        </div>
      )}

      <h2>{t("case.documents")}</h2>
      <MissingDocsNotice missing={missing} known={!!pt} t={t} />
      <DocumentTable c={c} types={types} t={t} actions={(d) => <DocViewer caseId={caseId} d={d} name={docName(d.code, c.permitType, types)} t={t} />} />

      <h2>{t("stops.title")}</h2>
      <CourierStops stops={stops.stops} error={stops.error} t={t} />

      <h2>{t("case.history")}</h2>
      <History events={live.events} t={t} permitType={c.permitType} types={types} />

      <h2>{t("case.custody")}</h2>
      <Custody custody={live.custody} t={t} />

      {c.notifications.length > 0 && (
        <>
          <h2>{t("case.notifications")}</h2>
          <ul>
            {c.notifications.map((n) => (
              <li key={String(n.id)}>
                {notificationText(n, t)}
                {n.sentAt || n.scheduledFor ? ` · ${notificationWhen(n, t)}` : ""}
              </li>
            ))}
          </ul>
        </>
      )}

      {OPEN.has(c.state) && (
        <details class="no-print">
          <summary>{t("case.withdraw")}</summary>
          <label for="withdraw-note">{t("case.withdrawNote")}</label>
          <textarea id="withdraw-note" value={withdrawNote} onInput={(e) => setWithdrawNote(e.currentTarget.value)} />
          <div class="form-actions">
            <button type="button" class="danger" disabled={busy || !withdrawNote.trim()} onClick={() => void transition("withdraw")}>
              {t("case.withdraw")}
            </button>
          </div>
        </details>
      )}
      <OutboxPanel t={t} showSent={false} />
    </Page>
  );
}
