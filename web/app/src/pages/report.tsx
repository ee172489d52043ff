// Management's monthly figures (/#/report?month=YYYY-MM): ReportService.GetMonthlyReport shown as
// tables, printable, and as a CSV built from the same rows (section, figure, value) in the
// language on screen, for a spreadsheet.
import { useEffect, useState } from "preact/hooks";
import type { MonthlyReport } from "@gen/loket/v1/report_pb.js";
import { Page } from "../layout";
import { useT, formatDateTime, formatDecimal, formatMonthLong } from "../i18n";
import { clients, errorText } from "../api";
import { navigate, type RouteProps } from "../router";
import { deskNav } from "./desk";
import { deskStrings } from "./desk.i18n";
import { caseStrings, channelText, permitName, usePermitTypes } from "./case-parts";
import { officeToday } from "./counter-actions";
import { reportStrings } from "./report.i18n";

type T = (key: string, vars?: Record<string, string | number>) => string;
type Row = [label: string, value: string];
type Section = { id: string; title: string; rows: Row[] };

const num = (n: bigint | number) => String(n);
// A figure with decimals: in the page's language on screen ("1,5"), with a point in the CSV, which
// a spreadsheet in any language reads as a number.
type Dec = (n: number, digits?: number) => string;
const dec: Dec = (n, digits = 1) => formatDecimal(n, digits);
const csvDec: Dec = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "");

/** The report's single figures, section by section (the tables of applications and lanes aside). */
function sectionsOf(r: MonthlyReport, t: T, dec: Dec): Section[] {
  const i = r.issued;
  const v = r.revisions;
  const s = r.siber;
  const a = r.appointments;
  const sc = r.screening;
  return [
    {
      id: "issued",
      title: t("report.issued"),
      rows: i
        ? [
            [t("report.issued.count"), num(i.issued)],
            [t("report.issued.onTime"), num(i.onTime)],
            [t("report.issued.late"), num(i.late)],
            [t("report.issued.avg"), dec(i.averageWorkingDays)],
            [t("report.issued.p90"), dec(i.p90WorkingDays)],
          ]
        : [],
    },
    {
      id: "revisions",
      title: t("report.revisions"),
      rows: v
        ? [
            [t("report.revisions.requests"), num(v.revisionRequests)],
            [t("report.revisions.cases"), num(v.casesWithRevision)],
            [t("report.revisions.perCase"), dec(v.revisionsPerIssuedCase, 2)],
          ]
        : [],
    },
    {
      id: "siber",
      title: t("report.siber"),
      rows: s
        ? [
            [t("report.siber.pickupsDone"), num(s.pickupsDone)],
            [t("report.siber.pickupsFailed"), num(s.pickupsFailed)],
            [t("report.siber.pickupsCancelled"), num(s.pickupsCancelled)],
            [t("report.siber.deliveriesDone"), num(s.deliveriesDone)],
            [t("report.siber.deliveriesFailed"), num(s.deliveriesFailed)],
            [t("report.siber.km"), dec(s.courierKm)],
          ]
        : [],
    },
    {
      id: "appointments",
      title: t("report.appointments"),
      rows: a
        ? [
            [t("report.appointments.booked"), num(a.booked)],
            [t("report.appointments.kept"), num(a.kept)],
            [t("report.appointments.noShow"), num(a.noShow)],
            [t("report.appointments.cancelled"), num(a.cancelled)],
            [t("report.appointments.redirected"), num(a.redirected)],
          ]
        : [],
    },
    {
      id: "screening",
      title: t("report.screening"),
      rows: sc
        ? [
            [t("report.screening.screened"), num(sc.screened)],
            [t("report.screening.redirected"), num(sc.redirected)],
            [t("report.screening.online"), num(sc.redirectedOnline)],
            [t("report.screening.siber"), num(sc.redirectedSiber)],
            [t("report.screening.pending"), num(sc.redirectPending)],
          ]
        : [],
    },
  ];
}

function laneName(lane: string, t: T): string {
  const k = `report.lane.${lane}`;
  const s = t(k);
  return s === k ? lane : s;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV for the whole report: section, figure, value (a spreadsheet sums what it needs). */
function csvOf(r: MonthlyReport, t: T, typeName: (code: string) => string): string {
  const out: string[][] = [[t("report.month"), t("report.figure"), t("report.value")]];
  for (const a of r.applications) out.push([t("report.applications"), `${typeName(a.permitType)} · ${channelText(a.channel, t)}`, num(a.count)]);
  out.push([t("report.applications"), t("report.total"), num(r.applicationsTotal)]);
  for (const sec of sectionsOf(r, t, csvDec)) for (const [label, value] of sec.rows) out.push([sec.title, label, value]);
  for (const l of r.lanes) {
    const name = laneName(l.lane, t);
    out.push([t("report.lanes"), `${name} · ${t("report.col.tickets")}`, num(l.tickets)]);
    out.push([t("report.lanes"), `${name} · ${t("report.col.served")}`, num(l.served)]);
    out.push([t("report.lanes"), `${name} · ${t("report.col.noShow")}`, num(l.noShow)]);
    out.push([t("report.lanes"), `${name} · ${t("report.col.p50")}`, csvDec(l.waitP50Minutes)]);
    out.push([t("report.lanes"), `${name} · ${t("report.col.p90")}`, csvDec(l.waitP90Minutes)]);
  }
  out[0][0] = r.month;
  return out.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** The office's last 36 months, newest first, and `shown` too when it is older. */
function recentMonths(shown: string): string[] {
  const [y, mo] = officeToday().split("-").map(Number);
  const out: string[] = [];
  for (let i = 0; i < 36; i++) {
    const d = new Date(Date.UTC(y, mo - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
  }
  if (!out.includes(shown)) out.push(shown);
  return out;
}

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export default function ReportPage({ query }: RouteProps) {
  const t = useT(reportStrings, deskStrings, caseStrings);
  const types = usePermitTypes();
  const month = /^\d{4}-\d{2}$/.test(query.get("month") ?? "") ? (query.get("month") as string) : officeToday().slice(0, 7);
  const [m, setM] = useState(month);
  const [r, setR] = useState<MonthlyReport | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    setM(month);
    setR(null);
    setError("");
    let alive = true;
    clients.report
      .getMonthlyReport({ month })
      .then((x) => alive && setR(x))
      .catch((err) => alive && setError(errorText(err, t)));
    return () => {
      alive = false;
    };
  }, [month]);

  const typeName = (code: string) => permitName(code, types);

  return (
    <Page title={t("report.title")} class="wide" nav={deskNav(t)}>
      <p>{t("report.intro")}</p>
      <form
        class="row no-print"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/report?month=${encodeURIComponent(m)}`);
        }}
      >
        <div>
          <label for="report-month">{t("report.month")}</label>
          {/* A list of months in the page's words ("Desember 2026"): the browser's month control
              speaks the computer's language and is missing from some browsers. */}
          <select id="report-month" value={m} onChange={(e) => setM(e.currentTarget.value)}>
            {recentMonths(m).map((ym) => (
              <option key={ym} value={ym}>
                {formatMonthLong(ym)}
              </option>
            ))}
          </select>
        </div>
        <div class="form-actions">
          <button type="submit">{t("report.show")}</button>
          <button type="button" class="secondary" disabled={!r} onClick={() => r && download(`laporan-${r.month}.csv`, csvOf(r, t, typeName), "text/csv;charset=utf-8")}>
            {t("report.csv")}
          </button>
          <button type="button" class="secondary" disabled={!r} onClick={() => window.print()}>
            {t("report.print")}
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {error && <p class="notice bad">{error}</p>}
        {!r && !error && <p class="loading">{t("common.loading")}</p>}
      </div>
      {r && (
        <div data-testid="report" data-month={r.month}>
          <p class="muted">{t("report.generated", { time: formatDateTime(r.generatedAt), office: r.officeName })}</p>

          <h2 id="report-applications">{t("report.applications")}</h2>
          {r.applications.length === 0 ? (
            <p>{t("report.noApplications")}</p>
          ) : (
            <div class="table-wrap">
              <table class="stack" aria-labelledby="report-applications" data-testid="report-applications">
                <thead>
                  <tr>
                    <th scope="col">{t("report.col.type")}</th>
                    <th scope="col">{t("report.col.channel")}</th>
                    <th scope="col" class="num">
                      {t("report.col.count")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.applications.map((a) => (
                    <tr key={`${a.permitType}-${a.channel}`}>
                      <td data-label={t("report.col.type")}>{typeName(a.permitType)}</td>
                      <td data-label={t("report.col.channel")}>{channelText(a.channel, t)}</td>
                      <td data-label={t("report.col.count")} class="num">
                        {num(a.count)}
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={2}>
                      {t("report.total")}
                    </th>
                    <td class="num" data-testid="applications-total">
                      {num(r.applicationsTotal)}
                    </td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}

          <div class="report-grid">
            {sectionsOf(r, t, dec).map((sec) => (
              <section key={sec.id} aria-labelledby={`report-${sec.id}`}>
                <h2 id={`report-${sec.id}`}>{sec.title}</h2>
                <dl class="facts" data-testid={`report-${sec.id}`}>
                  {sec.rows.map(([label, value]) => (
                    <>
                      <dt>{label}</dt>
                      <dd class="num">{value}</dd>
                    </>
                  ))}
                </dl>
              </section>
            ))}
          </div>

          <h2 id="report-lanes">{t("report.lanes")}</h2>
          {r.lanes.length === 0 ? (
            <p>{t("report.noLanes")}</p>
          ) : (
            <div class="table-wrap">
              <table class="stack" aria-labelledby="report-lanes" data-testid="report-lanes">
                <thead>
                  <tr>
                    <th scope="col">{t("report.col.lane")}</th>
                    <th scope="col" class="num">{t("report.col.tickets")}</th>
                    <th scope="col" class="num">{t("report.col.served")}</th>
                    <th scope="col" class="num">{t("report.col.noShow")}</th>
                    <th scope="col" class="num">{t("report.col.p50")}</th>
                    <th scope="col" class="num">{t("report.col.p90")}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.lanes.map((l) => (
                    <tr key={l.lane}>
                      <td data-label={t("report.col.lane")}>{laneName(l.lane, t)}</td>
                      <td data-label={t("report.col.tickets")} class="num">{num(l.tickets)}</td>
                      <td data-label={t("report.col.served")} class="num">{num(l.served)}</td>
                      <td data-label={t("report.col.noShow")} class="num">{num(l.noShow)}</td>
                      <td data-label={t("report.col.p50")} class="num">{dec(l.waitP50Minutes)}</td>
                      <td data-label={t("report.col.p90")} class="num">{dec(l.waitP90Minutes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </Page>
  );
}
