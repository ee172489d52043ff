// Public permit verification: /#/verify?number=..&code=.. (the address in a permit's QR code).
import { useEffect, useState } from "preact/hooks";
import type { VerifyPermitResponse } from "@gen/loket/v1/case_pb.js";
import { Page } from "../layout";
import { useT, formatDate } from "../i18n";
import { clients, errorText } from "../api";
import { navigate, type RouteProps } from "../router";
import { verifyStrings } from "./verify.i18n";

export default function Verify({ query }: RouteProps) {
  const t = useT(verifyStrings);
  const [number, setNumber] = useState(query.get("number") ?? "");
  const [code, setCode] = useState(query.get("code") ?? "");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyPermitResponse | null>(null);
  const [error, setError] = useState("");

  async function check(n: string, c: string) {
    if (!n.trim() || !c.trim()) {
      setError(t("verify.missing"));
      setResult(null);
      return;
    }
    setBusy(true);
    setError("");
    try {
      setResult(await clients.case.verifyPermit({ permitNumber: n.trim(), verificationCode: c.trim() }));
    } catch (err) {
      setResult(null);
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    const n = query.get("number");
    const c = query.get("code");
    if (n && c) void check(n, c);
  }, []);

  function submit(e: Event) {
    e.preventDefault();
    const q = new URLSearchParams({ number: number.trim(), code: code.trim() });
    history.replaceState(null, "", `#/verify?${q.toString()}`);
    void check(number, code);
  }

  return (
    <Page title={t("verify.title")}>
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
      <div role="status" aria-live="polite" aria-atomic="true">
        {error && <p class="notice bad">{error}</p>}
        {result && (
          <section aria-label={t("verify.title")}>
            <p class={result.valid ? "verify-result valid" : "verify-result invalid"} data-testid="verify-result">
              {result.valid ? t("verify.valid") : t("verify.invalid")}
            </p>
            <p>{result.valid ? t("verify.validText") : t("verify.invalidText")}</p>
            {result.valid && (
              <dl class="facts">
                <dt>{t("verify.type")}</dt>
                <dd>{result.permitType}</dd>
                <dt>{t("verify.holder")}</dt>
                <dd>{result.holderName}</dd>
                <dt>{t("verify.issued")}</dt>
                <dd>{formatDate(result.issuedOn)}</dd>
                <dt>{t("verify.office")}</dt>
                <dd>{result.officeName}</dd>
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
