// The office desk's worklist: ListCases with the CLI's filters (state, channel, permit type,
// clinic, overdue), kept in the address (#/desk?state=SUBMITTED&channel=CLINIC...).
import { useEffect, useState } from "preact/hooks";
import { CaseState, Channel, type Case } from "@gen/loket/v1/case_pb.js";
import type { PermitType } from "@gen/loket/v1/catalog_pb.js";
import { Page } from "../layout";
import { useT } from "../i18n";
import { clients, errorText } from "../api";
import { usePagedList } from "../paged";
import { navigate, type RouteProps } from "../router";
import { deskStrings } from "./desk.i18n";
import { CASE_STATES, caseStrings, StateBadge, dueText, permitName, usePermitTypes, useClinics, clinicNameOf, stateName, channelText } from "./case-parts";

const CHANNELS = [Channel.ONLINE, Channel.CLINIC, Channel.COUNTER, Channel.APPOINTMENT];

export function deskNav(t: (k: string) => string) {
  return [
    { href: "#/desk", label: t("desk.nav.list") },
    { href: "#/desk/search", label: t("desk.nav.search") },
    { href: "#/report", label: t("desk.nav.report") },
  ];
}

type Filters = { state: string; channel: string; permitType: string; clinic: string; overdue: boolean };

function filtersOf(q: URLSearchParams): Filters {
  return {
    state: q.get("state") ?? "",
    channel: q.get("channel") ?? "",
    permitType: q.get("type") ?? "",
    clinic: q.get("clinic") ?? "",
    overdue: q.get("overdue") === "1",
  };
}

function queryOf(f: Filters): string {
  const q = new URLSearchParams();
  if (f.state) q.set("state", f.state);
  if (f.channel) q.set("channel", f.channel);
  if (f.permitType) q.set("type", f.permitType);
  if (f.clinic) q.set("clinic", f.clinic);
  if (f.overdue) q.set("overdue", "1");
  const s = q.toString();
  return s ? `?${s}` : "";
}

export default function Desk({ query }: RouteProps) {
  const t = useT(deskStrings, caseStrings);
  const types = usePermitTypes();
  const applied = filtersOf(query);
  const [f, setF] = useState<Filters>(applied);
  const clinics = useClinics();
  const [error, setError] = useState("");
  const key = queryOf(applied);
  const list = usePagedList<Case>(async (pageToken) => {
    const r = await clients.case.listCases({
      pageSize: 100,
      pageToken,
      state: applied.state ? (CaseState[applied.state as keyof typeof CaseState] as CaseState) : CaseState.UNSPECIFIED,
      channel: applied.channel ? (Channel[applied.channel as keyof typeof Channel] as Channel) : Channel.UNSPECIFIED,
      permitType: applied.permitType,
      clinicId: applied.clinic,
      overdueOnly: applied.overdue,
    });
    return [r.cases, r.nextPageToken];
  });
  const { items: cases, next, busy } = list;

  async function load(pageToken = "") {
    try {
      if (await list.load(pageToken)) setError("");
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  useEffect(() => {
    setF(applied);
    // New filters: "loading" rather than the old list looking like the answer.
    list.clear();
    setError("");
    void load();
    // The worklist changes under the desk: refresh it every 30 s while the page is seen.
    const id = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, 30000);
    return () => clearInterval(id);
  }, [key]);

  const clinicName = (id: string) => clinicNameOf(clinics, id);

  return (
    <Page title={t("desk.title")} class="wide" nav={deskNav(t)}>
      <p>{t("desk.intro")}</p>
      <form
        class="no-print"
        aria-label={t("desk.filters")}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/desk${queryOf(f)}`);
        }}
      >
        <div class="filters">
          <div>
            <label for="f-state">{t("desk.state")}</label>
            <select id="f-state" value={f.state} onChange={(e) => setF({ ...f, state: e.currentTarget.value })}>
              <option value="">{t("desk.any")}</option>
              {CASE_STATES.map((s) => (
                <option key={s} value={stateName(s)}>
                  {t("state." + stateName(s))}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="f-channel">{t("desk.channel")}</label>
            <select id="f-channel" value={f.channel} onChange={(e) => setF({ ...f, channel: e.currentTarget.value })}>
              <option value="">{t("desk.any")}</option>
              {CHANNELS.map((c) => (
                <option key={c} value={Channel[c]}>
                  {channelText(c, t)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="f-type">{t("desk.permitType")}</label>
            <select id="f-type" value={f.permitType} onChange={(e) => setF({ ...f, permitType: e.currentTarget.value })}>
              <option value="">{t("desk.any")}</option>
              {types.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="f-clinic">{t("desk.clinic")}</label>
            <select id="f-clinic" value={f.clinic} onChange={(e) => setF({ ...f, clinic: e.currentTarget.value })}>
              <option value="">{t("desk.any")}</option>
              {clinics.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label class="check" for="f-overdue">
              <input id="f-overdue" type="checkbox" checked={f.overdue} onChange={(e) => setF({ ...f, overdue: e.currentTarget.checked })} />
              {t("desk.overdue")}
            </label>
          </div>
          <div class="form-actions">
            <button type="submit">{t("desk.apply")}</button>
            <button type="button" class="secondary" onClick={() => navigate("/desk")}>
              {t("desk.reset")}
            </button>
          </div>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {error && <p class="notice bad">{error}</p>}
        {cases === null && !error && <p class="loading">{t("common.loading")}</p>}
        {cases && <p class="muted">{t("desk.count", { n: cases.length })}</p>}
      </div>
      {cases && cases.length === 0 && <p>{t("desk.none")}</p>}
      {cases && cases.length > 0 && <CaseTable cases={cases} types={types} clinicName={clinicName} t={t} />}
      {next && (
        <p>
          <button type="button" class="secondary" disabled={busy} onClick={() => void load(next)}>
            {t("desk.loadMore")}
          </button>
        </p>
      )}
    </Page>
  );
}

type T = (key: string, vars?: Record<string, string | number>) => string;

/** Cases as the desk lists them (worklist and search): number, applicant, type, channel, clinic,
 * state, due date; each opens the case page. */
export function CaseTable({ cases, types, clinicName, t }: { cases: Case[]; types: PermitType[]; clinicName: (id: string) => string; t: T }) {
  return (
    <div class="table-wrap">
      <table class="stack" data-testid="worklist">
        <thead>
          <tr>
            <th scope="col">{t("desk.col.id")}</th>
            <th scope="col">{t("desk.col.applicant")}</th>
            <th scope="col">{t("desk.col.type")}</th>
            <th scope="col">{t("desk.col.channel")}</th>
            <th scope="col">{t("desk.col.clinic")}</th>
            <th scope="col">{t("desk.col.state")}</th>
            <th scope="col">{t("desk.col.due")}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={String(c.id)} data-case-id={String(c.id)}>
              <td data-label={t("desk.col.id")}>
                <a href={`#/desk/case/${c.id}`}>
                  #{String(c.id)}
                </a>
              </td>
              <td data-label={t("desk.col.applicant")} class="applicant">
                {c.applicant?.name}
              </td>
              <td data-label={t("desk.col.type")}>{permitName(c.permitType, types)}</td>
              <td data-label={t("desk.col.channel")}>{channelText(c.channel, t)}</td>
              <td data-label={t("desk.col.clinic")}>{c.clinicId ? clinicName(c.clinicId) : t("common.none")}</td>
              <td data-label={t("desk.col.state")}>
                <StateBadge state={c.state} t={t} />
              </td>
              <td data-label={t("desk.col.due")}>
                <span>
                  {dueText(c, t)} {c.sla?.overdue && <span class="badge overdue">{t("case.overdue")}</span>}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
