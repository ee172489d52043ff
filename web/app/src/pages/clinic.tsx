// The clinic portal's home: the clinic's cases (state, due date, revision asked, tracking code,
// the courier's pickup window and state), and the outbox
// of what waits on this device.
import { useEffect, useState } from "preact/hooks";
import { CaseState, Channel, type Case } from "@gen/loket/v1/case_pb.js";
import { StopState, type Stop } from "@gen/loket/v1/courier_pb.js";
import { Page } from "../layout";
import { useT } from "../i18n";
import { clients, errorText, isBusy, isNetworkError, retryAfterSeconds } from "../api";
import { usePagedList } from "../paged";
import { useSession } from "../session";
import { startOutbox, useOutbox } from "../outbox";
import type { RouteProps } from "../router";
import { clinicStrings } from "./clinic.i18n";
import { CASE_STATES, caseStrings, StateBadge, dueText, permitName, usePermitTypes, useClinics, clinicNameOf, stateName, currentStop, stopText } from "./case-parts";
import { clinicNav, OutboxPanel } from "./clinic-common";


// Cases whose courier stops are worth a look (the originals may still travel, or the permit).
const NO_STOPS = new Set([CaseState.DRAFT, CaseState.WITHDRAWN]);

/** The courier stop that matters now for each listed case (CourierService.ListStops by case id,
 * a few at a time). */
function useListStops(cases: Case[] | null): Map<string, Stop> {
  const [map, setMap] = useState<Map<string, Stop>>(new Map());
  useEffect(() => {
    if (!cases) return;
    let alive = true;
    const todo = cases.filter((c) => c.channel === Channel.CLINIC && !NO_STOPS.has(c.state));
    const found = new Map<string, Stop>();
    let next = 0;
    async function worker() {
      while (alive && next < todo.length) {
        const c = todo[next++];
        // A lookup that fails on the way (a busy loketd, a slow line) is tried once more.
        for (let attempt = 0; attempt < 2 && alive; attempt++) {
          try {
            const r = await clients.courier.listStops({ caseId: c.id });
            const s = currentStop(r.stops);
            if (s) found.set(String(c.id), s);
            break;
          } catch (err) {
            // A refusal is final; the line stays empty and the case page says why.
            if (attempt > 0 || !(isNetworkError(err) || isBusy(err))) break;
            await new Promise((done) => setTimeout(done, 1000 * Math.min(retryAfterSeconds(err) ?? 1, 5)));
          }
        }
      }
    }
    void Promise.all([worker(), worker(), worker(), worker()]).then(() => alive && setMap(found));
    return () => {
      alive = false;
    };
  }, [cases]);
  return map;
}

export default function Clinic({ query }: RouteProps) {
  const t = useT(clinicStrings, caseStrings);
  const { principal } = useSession();
  const clinics = useClinics();
  const types = usePermitTypes();
  const stateParam = query.get("state") ?? "";
  const [error, setError] = useState("");
  const list = usePagedList<Case>(async (pageToken) => {
    const state = stateParam ? (CaseState[stateParam as keyof typeof CaseState] as CaseState) : CaseState.UNSPECIFIED;
    const r = await clients.case.listCases({ pageSize: 50, pageToken, state });
    return [r.cases, r.nextPageToken];
  });
  const { items: cases, next, busy } = list;
  const entries = useOutbox();
  const sentCount = entries.filter((e) => e.status === "sent").length;
  const stops = useListStops(cases);

  useEffect(() => startOutbox(), []);

  async function load(pageToken = "") {
    try {
      if (await list.load(pageToken)) setError("");
    } catch (err) {
      setError(isNetworkError(err) ? t("err.offline") : t("clinic.listFailed", { msg: errorText(err, t) }));
    }
  }

  // Another state filter: "loading" rather than the old list looking like the answer.
  useEffect(() => {
    list.clear();
    setError("");
  }, [stateParam]);
  // Reload when the filter changes, when something from the outbox went out, and when back online.
  useEffect(() => {
    void load();
  }, [stateParam, sentCount]);
  useEffect(() => {
    const h = () => void load();
    window.addEventListener("online", h);
    // Cases move at the office meanwhile: a quiet refresh each minute while the page is seen.
    const id = setInterval(() => {
      if (document.visibilityState === "visible" && navigator.onLine !== false) void load();
    }, 60000);
    return () => {
      window.removeEventListener("online", h);
      clearInterval(id);
    };
  }, [stateParam]);

  return (
    <Page title={t("clinic.title")} nav={clinicNav(t)}>
      <p>{t("clinic.intro", { clinic: clinicNameOf(clinics, principal?.clinicId ?? "") })}</p>
      <p>
        <a class="button" href="#/clinic/new">
          {t("clinic.nav.new")}
        </a>
      </p>
      <OutboxPanel t={t} />
      <h2>{t("clinic.nav.cases")}</h2>
      <label for="state-filter">{t("clinic.filterState")}</label>
      <select
        id="state-filter"
        value={stateParam}
        onChange={(e) => {
          const v = e.currentTarget.value;
          location.hash = v ? `#/clinic?state=${v}` : "#/clinic";
        }}
      >
        <option value="">{t("clinic.allStates")}</option>
        {CASE_STATES.map((s) => (
          <option key={s} value={stateName(s)}>
            {t("state." + stateName(s))}
          </option>
        ))}
      </select>
      <p class="muted">{t("clinic.pickupNote")}</p>
      <div role="status" aria-live="polite">
        {error && <p class="notice bad">{error}</p>}
        {cases === null && !error && <p class="loading">{t("common.loading")}</p>}
      </div>
      {cases && cases.length === 0 && <p data-testid="no-cases">{t("clinic.noCases")}</p>}
      {cases && cases.length > 0 && (
        <ul class="cards grid2" data-testid="case-list">
          {cases.map((c) => (
            <li class="card" key={String(c.id)} data-case-id={String(c.id)}>
              <div class="spread">
                <h3>
                  <a href={`#/clinic/case/${c.id}`}>
                    #{String(c.id)} · {c.applicant?.name}
                  </a>
                </h3>
                <StateBadge state={c.state} t={t} />
              </div>
              <dl class="facts">
                <dt>{t("case.permitType")}</dt>
                <dd>{permitName(c.permitType, types)}</dd>
                <dt>{t("case.due")}</dt>
                <dd>
                  {dueText(c, t)} {c.sla?.overdue && <span class="badge overdue">{t("case.overdue")}</span>}
                </dd>
                {c.trackingCode && (
                  <>
                    <dt>{t("track.code")}</dt>
                    <dd class="mono">{c.trackingCode}</dd>
                  </>
                )}
                {stops.get(String(c.id)) && (
                  <>
                    <dt>{t("stops.short")}</dt>
                    <dd data-testid="case-stop" data-stop-state={StopState[stops.get(String(c.id))!.state]}>
                      {stopText(stops.get(String(c.id))!, t)}
                    </dd>
                  </>
                )}
              </dl>
              {c.state === CaseState.REVISION_REQUESTED && c.revisionReason && (
                <p class="notice warn">{t("clinic.revisionAsk", { note: c.revisionReason })}</p>
              )}
            </li>
          ))}
        </ul>
      )}
      {next && (
        <p>
          <button type="button" class="secondary" disabled={busy} onClick={() => void load(next)}>
            {t("clinic.loadMore")}
          </button>
        </p>
      )}
    </Page>
  );
}
