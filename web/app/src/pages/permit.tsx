// The printable permit: number, holder, type, issue date and a QR code of the public
// verification address <origin>/#/verify?number=..&code=.. (drawn as SVG elements, no markup
// strings, no inline script).
import { useEffect, useState } from "preact/hooks";
import qrcode from "qrcode-generator";
import { CaseState, type Case } from "@gen/loket/v1/case_pb.js";
import { Page } from "../layout";
import { useT, formatDate } from "../i18n";
import { clients, errorText, Code, ConnectError } from "../api";
import { useSession, Role } from "../session";
import type { RouteProps } from "../router";
import { deskStrings } from "./desk.i18n";
import { caseStrings, permitName, usePermitTypes, PermitDownload } from "./case-parts";

/** The address a printed permit sends people to check it: loketd's (GetCase's verify_url, from
 * --permit_verify_url, as on the signed PDF), not the address this officer's browser used (a LAN
 * address the public cannot reach); this page's own only when loketd names none. */
export function verifyUrl(c: Case): string {
  if (c.verifyUrl) return c.verifyUrl;
  const q = new URLSearchParams({ number: c.permitNumber, code: c.verificationCode });
  return `${location.origin}/#/verify?${q.toString()}`;
}

/** The same address without the permit's number and code: the one a person types. */
function typedAddress(url: string): string {
  return url.replace(/\?.*$/, "");
}

/** A QR code as one SVG path: each dark module a 1x1 square. */
export function QrSvg({ text, label, size = 180 }: { text: string; label: string; size?: number }) {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const margin = 4;
  let d = "";
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) d += `M${c + margin} ${r + margin}h1v1h-1z`;
    }
  }
  const dim = n + 2 * margin;
  return (
    <svg role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${dim} ${dim}`} shape-rendering="crispEdges" data-qr-text={text}>
      <rect width={dim} height={dim} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

const ISSUED = new Set([CaseState.ISSUED, CaseState.DELIVERED, CaseState.COLLECTED]);

export default function Permit({ params }: RouteProps) {
  const t = useT(deskStrings, caseStrings);
  const { principal } = useSession();
  const types = usePermitTypes();
  const idOk = /^\d{1,18}$/.test(params.id ?? "");
  const [c, setC] = useState<Case | null>(null);
  const [issuedOn, setIssuedOn] = useState("");
  const [error, setError] = useState("");

  useEffect(() => {
    if (!idOk) return;
    const caseId = BigInt(params.id);
    (async () => {
      try {
        const [cc, h] = await Promise.all([clients.case.getCase({ caseId }), clients.case.getCaseHistory({ caseId })]);
        setC(cc);
        const ev = h.events.find((e) => e.toState === CaseState.ISSUED);
        if (ev) setIssuedOn(ev.at);
      } catch (err) {
        const ce = ConnectError.from(err);
        setError(ce.code === Code.NotFound || ce.code === Code.PermissionDenied ? t("case.notFound") : errorText(err, t));
      }
    })();
  }, [params.id]);

  const back = principal?.role === Role.CLINIC ? `#/clinic/case/${params.id}` : `#/desk/case/${params.id}`;
  if (!idOk || error) {
    return (
      <Page title={t("permit.title")}>
        <p class="notice bad" role="alert">
          {idOk ? error : t("case.notFound")}
        </p>
      </Page>
    );
  }
  if (!c) {
    return (
      <Page title={t("permit.title")}>
        <p class="loading" role="status">
          {t("common.loading")}
        </p>
      </Page>
    );
  }
  if (!ISSUED.has(c.state) || !c.permitNumber) {
    return (
      <Page title={t("permit.title")}>
        <p class="notice warn" role="alert">
          {c.state === CaseState.REVOKED ? t("permit.revoked", { number: c.permitNumber }) : t("permit.notIssued")}
        </p>
        <p>
          <a href={back}>{t("permit.back")}</a>
        </p>
      </Page>
    );
  }
  const url = verifyUrl(c);
  // The office day of issue (WITA): the ISSUED event's instant + 8 h.
  const day = issuedOn ? new Date(Date.parse(issuedOn) + 8 * 3600000).toISOString().slice(0, 10) : "";
  return (
    <Page title={`${t("permit.title")} ${c.permitNumber}`} class="permit-page">
      <div class="row no-print">
        <button type="button" onClick={() => window.print()}>
          {t("permit.print")}
        </button>
        <a class="button secondary" href={back}>
          {t("permit.back")}
        </a>
      </div>
      <PermitDownload c={c} t={t} />
      <article class="permit-sheet" data-testid="permit-sheet">
        <header class="permit-head">
          <p class="permit-gov">{t("permit.heading")}</p>
          <p class="permit-office">{t("permit.office")}</p>
          <h2>{permitName(c.permitType, types)}</h2>
        </header>
        <dl class="facts">
          <dt>{t("permit.number")}</dt>
          <dd data-testid="permit-number">{c.permitNumber}</dd>
          <dt>{t("permit.holder")}</dt>
          <dd>{c.applicant?.name}</dd>
          <dt>{t("permit.type")}</dt>
          <dd>{permitName(c.permitType, types)}</dd>
          {c.practicePlace && (
            <>
              <dt>{t("permit.place")}</dt>
              <dd>{c.practicePlace}</dd>
            </>
          )}
          {c.strNumber && (
            <>
              <dt>{t("permit.str")}</dt>
              <dd>{c.strNumber}</dd>
            </>
          )}
          <dt>{t("permit.issued")}</dt>
          <dd>{day ? formatDate(day) : t("common.none")}</dd>
          {c.validUntil && (
            <>
              <dt>{t("permit.validUntil")}</dt>
              <dd data-testid="permit-valid-until">{formatDate(c.validUntil)}</dd>
            </>
          )}
          <dt>{t("permit.code")}</dt>
          <dd class="mono">{c.verificationCode}</dd>
        </dl>
        <div class="permit-verify">
          <div class="qr">
            <QrSvg text={url} label={t("permit.qr")} />
          </div>
          <p>
            {t("permit.verifyAt")}
            <br />
            {/* Printed, the address must be one a person can type: the page itself; the number
                and code are on the sheet above. The QR code carries them filled in. */}
            <a href={url} class="mono" data-testid="verify-link">
              {typedAddress(url)}
            </a>
            <br />
            {t("permit.verifyEnter")}
          </p>
        </div>
      </article>
    </Page>
  );
}
