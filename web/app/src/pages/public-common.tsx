// Shared parts of the public self-service pages (issue 10): the office
// chosen by `?office=` (default "bpp"), office time (WITA, UTC+8), the page frame with the public
// links, form fields that a screen reader reads, and the slot picker used to book and to move.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { SlotAvailability, type PublicDay, type PublicSlot, type PublicVisit } from "@gen/loket/v1/public_pb.js";
import { clients, retryAfterSeconds, errorText, fieldOf, messageAfterField, codeOf, rawMessage, newRequestId, Code, ConnectError } from "../api";
import { useT, getLang, formatDateTime, officeClock, officeToday, OFFICE_OFFSET_MIN, type Catalog, type Lang } from "../i18n";
import { Page } from "../layout";
import { publicStrings } from "./public-common.i18n";
import "./public-common.css";
import { problemText } from "../server-text";

export const DEFAULT_OFFICE = "bpp";

export type T = (key: string, vars?: Record<string, string | number>) => string;

/** A translator over a page's own catalog, then the shared public words, then `common`. */
export function usePublicT(...page: Catalog[]): T {
  return useT(...page, publicStrings);
}

/** The office of these pages: `?office=` in the hash query, else "bpp". */
export function officeOf(query: URLSearchParams): string {
  const o = (query.get("office") ?? "").trim();
  return /^[a-z0-9_-]{1,32}$/i.test(o) ? o : DEFAULT_OFFICE;
}

/** A public page's address, keeping a non-default office. */
export function publicHref(path: string, office: string, extra?: Record<string, string>): string {
  const q = new URLSearchParams();
  if (office !== DEFAULT_OFFICE) q.set("office", office);
  for (const [k, v] of Object.entries(extra ?? {})) if (v) q.set(k, v);
  const s = q.toString();
  return `#${path}${s ? "?" + s : ""}`;
}

export { officeToday }; // the public pages take their helpers from here

export { officeClock }; // from ../i18n, for the public pages

function locale(lang: Lang): string {
  return lang === "en" ? "en-GB" : "id-ID";
}

/** "Selasa, 1 Desember 2026" for an office day YYYY-MM-DD. */
export function longDay(ymd: string, lang: Lang = getLang()): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return d.toLocaleDateString(locale(lang), { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

/** The office day (YYYY-MM-DD) of an instant. */
export function officeDayOf(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (isNaN(ms)) return "";
  return new Date(ms + OFFICE_OFFSET_MIN * 60000).toISOString().slice(0, 10);
}

/** "Selasa, 1 Desember 2026, 09:00–09:30 WITA". */
export function visitTime(startsAt: string, endsAt: string, t: T, lang: Lang = getLang()): string {
  const day = longDay(officeDayOf(startsAt), lang);
  return t("pub.timeRange", { day, from: officeClock(startsAt), to: endsAt ? officeClock(endsAt) : "" });
}

/** A date and time in office time with the zone named: "1 Des 2026 20:15 WITA" (i18n's formatDateTime). */
export function officeDateTime(rfc3339: string, lang: Lang = getLang()): string {
  return formatDateTime(rfc3339, lang);
}

/** The page frame with the public links in its header. */
export function PublicPage(props: { title: string; office: string; children?: ComponentChildren; here?: string }) {
  const t = usePublicT();
  const nav = [
    { href: publicHref("/public", props.office), label: t("pub.nav.home") },
    { href: publicHref("/book", props.office), label: t("pub.nav.book"), restarts: true },
    { href: publicHref("/visit", props.office), label: t("pub.nav.visit") },
    { href: publicHref("/track", props.office), label: t("pub.nav.track") },
    { href: publicHref("/queue", props.office), label: t("pub.nav.queue") },
    { href: "#/verify", label: t("pub.nav.verify") },
  ];
  return (
    <Page title={props.title} nav={nav} class="public">
      {props.children}
    </Page>
  );
}

export type FieldAttrs = { id: string; "aria-invalid"?: "true"; "aria-describedby"?: string };

/** A labelled control with its hint and error, both read by screen readers with the control. */
export function Field(props: { id: string; label: string; hint?: string; error?: string; liveError?: boolean; children: (a: FieldAttrs) => ComponentChildren }) {
  const describedBy = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field" data-field={props.id}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children({ id: props.id, "aria-invalid": props.error ? "true" : undefined, "aria-describedby": describedBy })}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`} role={props.liveError ? "alert" : undefined}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A status line read out when it changes (role=alert for failures). */
export function Status(props: { msg: Msg | null; id?: string }) {
  const m = props.msg;
  return (
    <div id={props.id} class="pub-status" aria-live="polite" aria-atomic="true">
      {m && (
        <p class={`notice ${m.kind}`} role={m.kind === "bad" ? "alert" : undefined}>
          {m.text}
        </p>
      )}
    </div>
  );
}

export type Msg = { kind: "ok" | "warn" | "bad" | "info"; text: string };

/** The part of a server message after "field: ". */
/** An INVALID_ARGUMENT answer as {field on this page, message}, using `map` from the server's
 * field names ("nik", "windows[0]", "key.phone_last4") to this page's control ids; with `t`, the
 * message in the page's language where it is one loketd's validation words (server-text.ts). */
export function fieldError(err: unknown, map: Record<string, string>, t?: T): { id: string; text: string } | undefined {
  const f = fieldOf(err);
  if (!f) return undefined;
  const base = f.replace(/\[\d+\]/g, "");
  const id = map[f] ?? map[base] ?? map[base.split(".").pop() ?? ""] ?? map[base.split(".")[0]];
  if (!id) return undefined;
  return { id, text: t ? problemText(messageAfterField(err), t) : messageAfterField(err) };
}

/** True for failures worth retrying with the same request id (the answer may not have arrived). */
export function retryable(err: unknown): boolean {
  const c = codeOf(err);
  if (c === undefined) return true;
  return c === Code.Unavailable || c === Code.DeadlineExceeded || c === Code.Unknown || c === Code.Canceled || c === Code.Internal;
}

/** The idempotency key of one action: made when the person presses the button, kept while the
 * same action is retried after a failure that may not have reached the server, dropped after an
 * answer (a new press is a new request). */
export function useRequestId() {
  const ref = useRef<string | null>(null);
  return {
    take(): string {
      if (!ref.current) ref.current = newRequestId();
      return ref.current;
    },
    settle(err?: unknown) {
      if (err === undefined || !retryable(err)) ref.current = null;
    },
  };
}

/** Moves focus to an element (a step's heading, the first invalid field) once it is rendered. */
export function focusSoon(id: string) {
  setTimeout(() => document.getElementById(id)?.focus(), 0);
}

/** loketd's per-NIK / per-phone limit ("applicant.phone: already holds 2 live bookings ..."),
 * which comes as RESOURCE_EXHAUSTED like a throttle but is not one: waiting does not help. */
export function limitOf(err: unknown): { what: "phone" | "nik"; n: number } | undefined {
  const m = /^\s*(?:applicant\.)?(phone|nik)\s*:\s*already holds (\d+)/.exec(rawMessage(err));
  return m ? { what: m[1] as "phone" | "nik", n: Number(m[2]) } : undefined;
}

/** Error text for a person: the booking limits and "not found" in the page's words, throttling
 * with its wait, else the shared wording. */
export function publicErrorText(err: unknown, t: T): string {
  const limit = limitOf(err);
  if (limit) return t(limit.what === "phone" ? "pub.limit.phone" : "pub.limit.nik", { n: limit.n });
  if (err instanceof ConnectError && err.code === Code.NotFound) return t("pub.err.notFound");
  return errorText(err, t);
}

export function availabilityWord(a: SlotAvailability, t: T): string {
  switch (a) {
    case SlotAvailability.FULL:
      return t("pub.avail.full");
    case SlotAvailability.FEW_LEFT:
      return t("pub.avail.few");
    default:
      return t("pub.avail.open");
  }
}

/** The open days of a service, loaded once per office/service. */
export function useOpenDays(office: string, service: string) {
  const [days, setDays] = useState<PublicDay[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!service) return;
    let alive = true;
    setDays(null);
    setError(null);
    clients.public.listOpenDays({ officeId: office, from: officeToday(), days: 14 }).then(
      (r) => alive && setDays(r.days),
      (e) => alive && setError(e),
    );
    return () => {
      alive = false;
    };
  }, [office, service, tick]);
  return { days, error, reload: () => setTick((n) => n + 1) };
}

export const MAX_WINDOWS = 3;

/** Waits between looks at a visit until the scheduler has seated it: less and less often, since
 * every look counts against this address's limit of guesses (10 a minute). */
export const POLL_MS = [1500, 2500, 4000, 6000, 10000, 15000];

/** Looks at a visit (`get`) until `settled` says the scheduler is done with it, POLL_MS apart (or
 * as long as loketd asks when it says to slow down); each look goes to `onVisit`. Returns the stop
 * function, for a useEffect to return. */
export function pollVisit(get: () => Promise<PublicVisit>, onVisit: (v: PublicVisit) => void, settled: (v: PublicVisit) => boolean): () => void {
  let alive = true;
  let round = 0;
  let timer: ReturnType<typeof setTimeout>;
  const look = async () => {
    let wait = POLL_MS[Math.min(round++, POLL_MS.length - 1)];
    try {
      const v = await get();
      if (!alive) return;
      onVisit(v);
      if (settled(v)) return;
    } catch (err) {
      const s = retryAfterSeconds(err);
      if (s !== undefined) wait = Math.max(wait, s * 1000);
    }
    if (alive) timer = setTimeout(look, wait);
  };
  timer = setTimeout(look, POLL_MS[0]);
  return () => {
    alive = false;
    clearTimeout(timer);
  };
}

/** The open days of useOpenDays as a SlotPicker, or what stands in its place: loading, the error
 * with a retry, or "no open days". */
export function OpenDaysPicker({ t, open, ...picker }: Omit<SlotPickerProps, "days"> & { t: T; open: ReturnType<typeof useOpenDays> }) {
  const { days, error, reload } = open;
  return (
    <>
      {!days && !error && <p role="status">{t("common.loading")}</p>}
      {!!error && (
        <div>
          <p class="notice bad" role="alert">
            {publicErrorText(error, t)}
          </p>
          <button type="button" class="secondary" onClick={reload}>
            {t("common.retry")}
          </button>
        </div>
      )}
      {days && days.length === 0 && <p class="notice warn">{t("pub.book.noDays")}</p>}
      {days && days.length > 0 && <SlotPicker {...picker} days={days} />}
    </>
  );
}

/** Choose a day, then 1..3 slots of it in order of preference (checkboxes; the order is the
 * order they were ticked). Full slots cannot be chosen; counts are never shown. */
type SlotPickerProps = {
  idPrefix: string;
  days: PublicDay[];
  day: string;
  onDay: (d: string) => void;
  chosen: PublicSlot[];
  onChosen: (s: PublicSlot[]) => void;
  dayError?: string;
  slotError?: string;
};

export function SlotPicker(props: SlotPickerProps) {
  const t = usePublicT();
  const { idPrefix: p, days, day, chosen } = props;
  const current = days.find((d) => d.day === day);
  const rank = (s: PublicSlot) => chosen.findIndex((c) => c.startsAt === s.startsAt);
  function toggle(s: PublicSlot, on: boolean) {
    if (on) {
      if (rank(s) >= 0 || chosen.length >= MAX_WINDOWS) return;
      props.onChosen([...chosen, s]);
    } else {
      props.onChosen(chosen.filter((c) => c.startsAt !== s.startsAt));
    }
  }
  const dayDescribedBy = [`${p}-day-hint`, props.dayError ? `${p}-day-error` : ""].filter(Boolean).join(" ");
  const slotDescribedBy = [`${p}-slot-hint`, props.slotError ? `${p}-slot-error` : ""].filter(Boolean).join(" ");
  return (
    <>
      <fieldset id={`${p}-days`} aria-describedby={dayDescribedBy}>
        <legend>{t("pub.pick.day")}</legend>
        <p class="hint" id={`${p}-day-hint`}>
          {t("pub.pick.dayHint")}
        </p>
        {props.dayError && (
          <p class="field-error" id={`${p}-day-error`}>
            {props.dayError}
          </p>
        )}
        <ul class="choice-list days">
          {days.map((d, i) => {
            const free = d.slots.filter((s) => s.availability !== SlotAvailability.FULL).length;
            return (
              <li key={d.day}>
                <label class="choice" for={`${p}-day-${i}`}>
                  <input
                    type="radio"
                    id={`${p}-day-${i}`}
                    name={`${p}-day`}
                    value={d.day}
                    checked={d.day === day}
                    onChange={() => {
                      props.onDay(d.day);
                      props.onChosen([]);
                    }}
                  />
                  <span>
                    <span class="choice-title">{longDay(d.day)}</span>
                    <span class="choice-note">{free > 0 ? t("pub.pick.dayOpen") : t("pub.avail.full")}</span>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      </fieldset>
      {current && (
        <fieldset id={`${p}-slots`} aria-describedby={slotDescribedBy}>
          <legend>{t("pub.pick.slots", { day: longDay(current.day) })}</legend>
          <p class="hint" id={`${p}-slot-hint`}>
            {t("pub.pick.slotsHint", { max: MAX_WINDOWS })}
          </p>
          {props.slotError && (
            <p class="field-error" id={`${p}-slot-error`}>
              {props.slotError}
            </p>
          )}
          <ul class="choice-list slots">
            {current.slots.map((s, i) => {
              const r = rank(s);
              const full = s.availability === SlotAvailability.FULL;
              const disabled = full || (r < 0 && chosen.length >= MAX_WINDOWS);
              return (
                <li key={s.startsAt}>
                  <label class={`choice slot${r >= 0 ? " picked" : ""}${full ? " full" : ""}`} for={`${p}-slot-${i}`}>
                    <input
                      type="checkbox"
                      id={`${p}-slot-${i}`}
                      checked={r >= 0}
                      disabled={disabled}
                      data-starts={s.startsAt}
                      onChange={(e) => toggle(s, e.currentTarget.checked)}
                    />
                    <span>
                      <span class="choice-title">
                        {officeClock(s.startsAt)}–{officeClock(s.endsAt)}
                      </span>
                      <span class={`avail a${s.availability}`}>{availabilityWord(s.availability, t)}</span>
                      {r >= 0 && <span class="rank">{t("pub.pick.rank", { n: r + 1 })}</span>}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}
      <div aria-live="polite" class="pub-chosen">
        {chosen.length > 0 && (
          <p>
            {t("pub.pick.chosen")}{" "}
            {chosen.map((c, i) => t("pub.pick.chosenItem", { n: i + 1, from: officeClock(c.startsAt), to: officeClock(c.endsAt) })).join("; ")}
          </p>
        )}
      </div>
    </>
  );
}
