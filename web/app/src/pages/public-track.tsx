// Follow my case: the tracking code printed at submission -> the state in plain words, the due
// date, what is missing in a revision, the courier's pickup window, the holder's masked name.
// Nothing else; a wrong code shows nothing.
import { useEffect, useState } from "preact/hooks";
import { CaseState } from "@gen/loket/v1/case_pb.js";
import type { PublicCaseStatus } from "@gen/loket/v1/public_pb.js";
import { formatDate } from "../i18n";
import type { RouteProps } from "../router";
import { clients } from "../api";
import { Field, PublicPage, Status, fieldError, focusSoon, officeDateTime, officeOf, publicErrorText, publicHref, usePublicT, visitTime, type Msg } from "./public-common";
import { publicTrackStrings } from "./public-track.i18n";

export default function PublicTrack({ query }: RouteProps) {
  const t = usePublicT(publicTrackStrings);
  const office = officeOf(query);
  const [code, setCode] = useState(query.get("code") ?? "");
  const [error, setError] = useState("");
  const [msg, setMsg] = useState<Msg | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<PublicCaseStatus | null>(null);

  async function look(c: string) {
    const clean = c.trim().toUpperCase();
    if (clean.replace(/[^A-Z0-9]/g, "").length < 4) {
      setError(t("pub.track.v.code"));
      setStatus(null);
      setMsg({ kind: "bad", text: t("pub.track.v.code") });
      focusSoon("tracking-code");
      return;
    }
    setBusy(true);
    setError("");
    setMsg({ kind: "info", text: t("pub.track.looking") });
    try {
      const s = await clients.public.trackCase({ trackingCode: clean });
      setStatus(s);
      setMsg(null);
      focusSoon("case-title");
    } catch (err) {
      setStatus(null);
      const fe = fieldError(err, { tracking_code: "tracking-code" }, t);
      if (fe) setError(fe.text);
      setMsg({ kind: "bad", text: publicErrorText(err, t) === t("pub.err.notFound") ? t("pub.track.notFound") : publicErrorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    const c = query.get("code");
    if (c) void look(c);
  }, []);

  function submit(e: Event) {
    e.preventDefault();
    history.replaceState(null, "", publicHref("/track", office, { code: code.trim().toUpperCase() }));
    void look(code);
  }

  const s = status;
  const state = s ? CaseState[s.state] ?? "UNSPECIFIED" : "";
  return (
    <PublicPage title={t("pub.track.title")} office={office}>
      <p>{t("pub.track.intro")}</p>
      <form onSubmit={submit} noValidate>
        <Field id="tracking-code" label={t("pub.track.code")} hint={t("pub.track.codeHint")} error={error}>
          {(a) => (
            <input {...a} type="text" autoComplete="off" autoCapitalize="characters" spellcheck={false} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            {t("pub.track.submit")}
          </button>
        </div>
      </form>
      <Status msg={msg} />
      {s && (
        <section class="case-status" aria-labelledby="case-title" data-testid="case-status" data-state={state}>
          <h2 id="case-title" tabIndex={-1}>
            {s.permitName || s.permitType}
          </h2>
          <p class={`state-line s-${state}`}>
            <span class={`badge s-${state}`} data-testid="case-state">
              {t(`state.${state}`)}
            </span>{" "}
            {/* Received but not complete: it waits for its documents, not for an officer. */}
            {t(state === "SUBMITTED" && s.missingDocuments.length > 0 ? "pub.case.SUBMITTED_INCOMPLETE" : `pub.case.${state}`)}
          </p>
          <dl class="facts">
            <dt>{t("pub.track.trackingCode")}</dt>
            <dd class="mono">{s.trackingCode}</dd>
            <dt>{t("pub.track.holder")}</dt>
            <dd>{s.holderNameMasked}</dd>
            {s.submittedAt && (
              <>
                <dt>{t("pub.track.submitted")}</dt>
                <dd>{officeDateTime(s.submittedAt)}</dd>
              </>
            )}
            <dt>{t("pub.track.due")}</dt>
            <dd>{s.slaPaused ? t("pub.track.paused") : s.dueDate ? formatDate(s.dueDate) : t("pub.track.noDue")}</dd>
            {s.pickupWindowStart && (
              <>
                <dt>{t("pub.track.pickup")}</dt>
                <dd>{visitTime(s.pickupWindowStart, s.pickupWindowEnd, t)}</dd>
              </>
            )}
            {s.updatedAt && (
              <>
                <dt>{t("pub.track.updated")}</dt>
                <dd>{officeDateTime(s.updatedAt)}</dd>
              </>
            )}
          </dl>
          {(s.revisionReason || s.missingDocuments.length > 0) && (
            <div class="notice warn">
              <h3>{s.state === CaseState.REVISION_REQUESTED ? t("pub.track.toFix") : t("pub.track.incomplete")}</h3>
              {s.revisionReason && <p>{s.revisionReason}</p>}
              {s.missingDocuments.length > 0 && (
                <>
                  <p>{t("pub.track.missing")}</p>
                  <ul>
                    {s.missingDocuments.map((d) => (
                      <li key={d}>{d}</li>
                    ))}
                  </ul>
                  <p data-testid="track-missing-who">{t("pub.track.missingWho")}</p>
                </>
              )}
            </div>
          )}
          <p class="hint">{t("pub.track.privacy")}</p>
        </section>
      )}
    </PublicPage>
  );
}
