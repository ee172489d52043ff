// Public permit verification: /#/verify?number=..&code=.. (the address in a permit's QR code).
import { useEffect, useRef, useState } from "preact/hooks";
import { PermitStatus, type VerifyPermitResponse } from "@gen/loket/v1/case_pb.js";
import { Page } from "../layout";
import { useT, formatDate } from "../i18n";
import { clients, errorText } from "../api";
import { navigate, type RouteProps } from "../router";
import { sha256Hex } from "../sha256";
import { verifyStrings } from "./verify.i18n";
import { FileInput } from "../file-input";

export default function Verify({ query }: RouteProps) {
  const t = useT(verifyStrings);
  const [number, setNumber] = useState(query.get("number") ?? "");
  const [code, setCode] = useState(query.get("code") ?? "");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyPermitResponse | null>(null);
  const [error, setError] = useState("");
  // The PDF someone holds, checked byte for byte against the document the office issued.
  const [doc, setDoc] = useState<{ name: string; sha: string } | null>(null);
  const latest = useRef(0);

  async function checkDocument(file: File) {
    setBusy(true);
    setError("");
    try {
      const sha = await sha256Hex(new Uint8Array(await file.arrayBuffer()));
      setDoc({ name: file.name, sha });
      const both = number.trim() && code.trim();
      setResult(await clients.case.verifyPermit({ documentSha256: sha, permitNumber: both ? number.trim() : "", verificationCode: both ? code.trim() : "" }));
    } catch (err) {
      setResult(null);
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  async function check(n: string, c: string) {
    setDoc(null);
    if (!n.trim() || !c.trim()) {
      setError(t("verify.missing"));
      setResult(null);
      return;
    }
    setBusy(true);
    setError("");
    const mine = ++latest.current; // an answer to an earlier check arriving late is dropped
    try {
      const r = await clients.case.verifyPermit({ permitNumber: n.trim(), verificationCode: c.trim() });
      if (mine === latest.current) setResult(r);
    } catch (err) {
      if (mine !== latest.current) return;
      setResult(null);
      setError(errorText(err, t));
    } finally {
      if (mine === latest.current) setBusy(false);
    }
  }

  // On opening, and whenever the address changes under the page (another QR link opened in the
  // same tab): the fields and the answer are the address's, never an earlier permit's.
  const qNumber = query.get("number") ?? "";
  const qCode = query.get("code") ?? "";
  useEffect(() => {
    setNumber(qNumber);
    setCode(qCode);
    setResult(null);
    setError("");
    if (qNumber && qCode) void check(qNumber, qCode);
  }, [qNumber, qCode]);

  function submit(e: Event) {
    e.preventDefault();
    const q = new URLSearchParams({ number: number.trim(), code: code.trim() });
    history.replaceState(null, "", `#/verify?${q.toString()}`);
    void check(number, code);
  }

  return (
    // Someone who scanned a permit's code may want the office's other public pages next.
    <Page title={t("verify.title")} nav={[{ href: "#/public", label: t("verify.home") }]}>
      <p>{t("verify.intro")}</p>
      <form onSubmit={submit} noValidate>
        <label for="permit-number">{t("verify.number")}</label>
        <input id="permit-number" type="text" autoComplete="off" spellcheck={false} value={number} onInput={(e) => setNumber(e.currentTarget.value)} />
        <label for="permit-code">{t("verify.code")}</label>
        <input id="permit-code" type="text" autoComplete="off" spellcheck={false} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        <div class="form-actions">
          <button type="submit" disabled={busy}>{busy ? t("verify.checking") : t("verify.submit")}</button>
        </div>
      </form>
      <form onSubmit={(e) => e.preventDefault()} class="verify-doc">
        <label for="permit-file">{t("verify.file")}</label>
        <FileInput
          id="permit-file"
          accept="application/pdf,.pdf"
          aria-describedby="permit-file-help"
          disabled={busy}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void checkDocument(f);
          }}
        />
        <p class="muted" id="permit-file-help">
          {t("verify.fileHelp")}
        </p>
      </form>
      <div role="status" aria-live="polite" aria-atomic="true">
        {error && <p class="notice bad">{error}</p>}
        {result && (
          <section aria-label={t("verify.title")}>
            <p class={result.valid ? "verify-result valid" : "verify-result invalid"} data-testid="verify-result" data-status={PermitStatus[result.status]}>
              {t(`verify.status.${PermitStatus[result.status] ?? "UNSPECIFIED"}`)}
            </p>
            {doc && (
              <p class={result.documentMatches ? "notice ok" : "notice bad"} data-testid="verify-document" data-matches={result.documentMatches ? "1" : "0"}>
                {result.documentMatches ? t("verify.docMatches", { name: doc.name }) : t("verify.docDiffers", { name: doc.name })}
              </p>
            )}
            <p>
              {result.status === PermitStatus.REVOKED
                ? t("verify.revokedText", { date: formatDate(result.revokedOn) })
                : result.status === PermitStatus.EXPIRED
                  ? t("verify.expiredText", { date: formatDate(result.validUntil) })
                  : result.valid
                    ? t("verify.validText")
                    : t("verify.invalidText")}
            </p>
            {result.status !== PermitStatus.UNSPECIFIED && (
              <dl class="facts">
                <dt>{t("verify.type")}</dt>
                <dd>{result.permitType}</dd>
                <dt>{t("verify.holder")}</dt>
                <dd>{result.holderName}</dd>
                <dt>{t("verify.issued")}</dt>
                <dd>{formatDate(result.issuedOn)}</dd>
                <dt>{t("verify.office")}</dt>
                <dd>{result.officeName}</dd>
                {result.validUntil && (
                  <>
                    <dt>{t("verify.validUntil")}</dt>
                    <dd data-testid="verify-valid-until">{formatDate(result.validUntil)}</dd>
                  </>
                )}
                {result.revokedOn && (
                  <>
                    <dt>{t("verify.revokedOn")}</dt>
                    <dd>{formatDate(result.revokedOn)}</dd>
                  </>
                )}
                {result.revokeReason && (
                  <>
                    <dt>{t("verify.revokeReason")}</dt>
                    <dd>{result.revokeReason}</dd>
                  </>
                )}
              </dl>
            )}
          </section>
        )}
      </div>
      <p class="no-print">
        <a href="#/signin" onClick={(e) => { e.preventDefault(); navigate("/signin"); }}>{t("verify.signin")}</a>
      </p>
    </Page>
  );
}
