// A public visit as facts: its state in words, the visit code to show at the door, the time in
// office time (WITA), the service, the masked name, the priority lane.
import { PriorityClass } from "@gen/loket/v1/common_pb.js";
import { PublicVisitState, type PublicVisit } from "@gen/loket/v1/public_pb.js";
import { longDay, officeClock, visitTime, type T } from "./public-common";

export function visitStateWord(s: PublicVisitState, t: T): string {
  return t(`pub.vstate.${PublicVisitState[s] ?? "UNSPECIFIED"}`);
}

export function VisitFacts(props: { visit: PublicVisit; t: T; announce?: boolean; level?: 2 | 3 }) {
  const H = props.level === 2 ? "h2" : "h3";
  const { visit: v, t } = props;
  const booked = v.state === PublicVisitState.BOOKED;
  return (
    <section class="visit-facts" aria-labelledby="visit-facts-title" data-state={PublicVisitState[v.state]}>
      <H id="visit-facts-title" tabIndex={-1}>{t("pub.visit.yourVisit")}</H>
      <p class={`notice ${booked ? "ok" : v.state === PublicVisitState.WAITLISTED ? "warn" : v.state === PublicVisitState.CANCELLED || v.state === PublicVisitState.EXPIRED ? "bad" : ""}`} role={props.announce ? "status" : undefined}>
        <strong data-testid="visit-state">{visitStateWord(v.state, t)}</strong>
        {" — "}
        {t(`pub.vstate.${PublicVisitState[v.state] ?? "UNSPECIFIED"}.text`)}
      </p>
      {booked && v.visitCode && (
        <div class="big-code">
          <span class="big-code-label">{t("pub.visit.visitCode")}</span>
          <span class="big-code-value mono" data-testid="visit-code">
            {v.visitCode}
          </span>
        </div>
      )}
      <dl class="facts">
        {booked && v.startsAt && (
          <>
            <dt>{t("pub.visit.when")}</dt>
            <dd data-testid="visit-time">{visitTime(v.startsAt, v.endsAt, t)}</dd>
          </>
        )}
        {!booked && v.day && (
          <>
            <dt>{t("pub.visit.day")}</dt>
            <dd>{longDay(v.day)}</dd>
          </>
        )}
        {!booked && v.windows.length > 0 && (
          <>
            <dt>{t("pub.visit.windows")}</dt>
            <dd>
              <ol class="plain">
                {v.windows.map((w) => (
                  <li key={w.startsAt}>
                    {officeClock(w.startsAt)}–{officeClock(w.endsAt)} WITA
                  </li>
                ))}
              </ol>
            </dd>
          </>
        )}
        <dt>{t("pub.visit.service")}</dt>
        <dd>{v.serviceName || v.service}</dd>
        <dt>{t("pub.visit.name")}</dt>
        <dd>{v.nameMasked}</dd>
        <dt>{t("pub.visit.bookingCode")}</dt>
        <dd>
          <span class="mono">{v.bookingCode}</span> <span class="muted">{t("pub.visit.bookingCodeHint")}</span>
        </dd>
        {v.priorityClass !== PriorityClass.UNSPECIFIED && v.priorityClass !== PriorityClass.NONE && (
          <>
            <dt>{t("pub.visit.priority")}</dt>
            <dd>{t(`pub.prio.${PriorityClass[v.priorityClass]}`)}</dd>
          </>
        )}
      </dl>
      {booked && <p class="hint">{t("pub.visit.bring")}</p>}
    </section>
  );
}
