// Manage my booking: the booking or visit code with the phone's last four digits -> see the visit,
// cancel it (after a confirmation step), or move it to other times (the limits still hold).
import { useEffect, useState } from "preact/hooks";
import { PublicVisitState, type PublicSlot, type PublicVisit } from "@gen/loket/v1/public_pb.js";
import type { RouteProps } from "../router";
import { Field, OpenDaysPicker, PublicPage, Status, fieldError, focusSoon, officeOf, pollVisit, publicErrorText, publicHref, useOpenDays, usePublicT, useRequestId, type Msg } from "./public-common";
import { publicVisitStrings } from "./public-visit.i18n";
import { VisitFacts } from "./public-visit-facts";
import { PhoneCodeForm } from "./public-code";
import { clients } from "../api";

type Mode = "view" | "cancel" | "move";

const KEY_MAP: Record<string, string> = {
  code: "visit-code",
  "key.code": "visit-code",
  phone_last4: "visit-last4",
  "key.phone_last4": "visit-last4",
  windows: "move",
};

export default function PublicVisitPage({ query }: RouteProps) {
  const t = usePublicT(publicVisitStrings);
  const office = officeOf(query);
  const [code, setCode] = useState(query.get("code") ?? "");
  const [last4, setLast4] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<Msg | null>(null);
  const [busy, setBusy] = useState(false);
  const [visit, setVisit] = useState<PublicVisit | null>(null);
  const [key, setKey] = useState<{ code: string; phoneLast4: string } | null>(null);
  const [mode, setMode] = useState<Mode>("view");
  const [day, setDay] = useState("");
  const [chosen, setChosen] = useState<PublicSlot[]>([]);
  const cancelId = useRequestId();
  const moveId = useRequestId();
  const openDays = useOpenDays(office, mode === "move" && visit ? visit.service : "");

  // The visit code before a move: once the scheduler seats the moved visit (after the move has
  // answered), the message names the new code, since the old one no longer opens the door.
  const [movedFrom, setMovedFrom] = useState<string | null>(null);
  useEffect(() => {
    if (movedFrom === null || !visit || visit.state !== PublicVisitState.BOOKED || !visit.visitCode) return;
    if (visit.visitCode !== movedFrom) setMsg({ kind: "ok", text: t("pub.visit.movedNewCode", { code: visit.visitCode }) });
    setMovedFrom(null);
  }, [visit, movedFrom]);

  // While the scheduler is still choosing (after a move), look again, less and less often.
  useEffect(() => {
    if (!key || !visit || visit.state !== PublicVisitState.PENDING) return;
    return pollVisit(() => clients.public.getVisit(key), setVisit, (v) => v.state !== PublicVisitState.PENDING);
  }, [key, visit?.state]);

  async function find(e: Event) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (code.trim().length < 4) errs["visit-code"] = t("pub.visit.v.code");
    if (!/^\d{4}$/.test(last4.trim())) errs["visit-last4"] = t("pub.visit.v.last4");
    setErrors(errs);
    if (Object.keys(errs).length) {
      setMsg({ kind: "bad", text: t("pub.fix", { n: Object.keys(errs).length }) });
      focusSoon(Object.keys(errs)[0]);
      return;
    }
    const k = { code: code.trim().toUpperCase(), phoneLast4: last4.trim() };
    setBusy(true);
    setMsg(null);
    try {
      const v = await clients.public.getVisit(k);
      setVisit(v);
      setKey(k);
      setMode("view");
      focusSoon("visit-facts-title");
    } catch (err) {
      setVisit(null);
      setKey(null);
      const fe = fieldError(err, KEY_MAP, t);
      if (fe) setErrors({ [fe.id]: fe.text });
      setMsg({ kind: "bad", text: publicErrorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  async function doCancel() {
    if (!key) return;
    setBusy(true);
    const requestId = cancelId.take();
    try {
      const v = await clients.public.cancelVisit({ requestId, key });
      cancelId.settle();
      setVisit(v);
      setMode("view");
      setMsg({ kind: "ok", text: t("pub.visit.cancelled") });
      focusSoon("visit-status");
    } catch (err) {
      cancelId.settle(err);
      setMsg({ kind: "bad", text: publicErrorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  async function doMove(e: Event) {
    e.preventDefault();
    if (!key) return;
    if (chosen.length === 0) {
      setErrors({ move: t("pub.book.v.slots") });
      setMsg({ kind: "bad", text: t("pub.book.v.slots") });
      focusSoon(day ? "move-slot-0" : "move-day-0");
      return;
    }
    setBusy(true);
    setErrors({});
    const requestId = moveId.take();
    try {
      const before = visit?.visitCode ?? "";
      const v = await clients.public.moveVisit({ requestId, key, windows: chosen.map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt })) });
      moveId.settle();
      if (!v.visitCode) setMovedFrom(before); // not seated yet: named once it is
      setVisit(v);
      // A move by the visit code: the visit code changes with the seat; the booking code stays.
      setKey({ code: v.bookingCode || key.code, phoneLast4: key.phoneLast4 });
      setMode("view");
      setChosen([]);
      // The old visit code no longer opens the door: say so, with the new one.
      setMsg({ kind: "ok", text: v.visitCode ? t("pub.visit.movedNewCode", { code: v.visitCode }) : t("pub.visit.moved") });
      focusSoon("visit-status");
    } catch (err) {
      moveId.settle(err);
      const fe = fieldError(err, KEY_MAP, t);
      if (fe) setErrors({ [fe.id]: fe.text });
      setMsg({ kind: "bad", text: publicErrorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  // A booking left at the phone-code step: the code is typed here, and the visit is made.
  function codeConfirmed(v: PublicVisit) {
    setVisit(v);
    setMode("view");
    setMsg({ kind: "ok", text: t("pub.visit.codeConfirmed") });
    focusSoon("visit-facts-title"); // the code form is gone; the status above is read out
  }

  function codeEnded() {
    if (visit) setVisit({ ...visit, state: PublicVisitState.EXPIRED } as PublicVisit);
    setMsg({ kind: "bad", text: t("pub.visit.codeEnded") });
    focusSoon("visit-facts-title");
  }

  const active = visit && (visit.state === PublicVisitState.BOOKED || visit.state === PublicVisitState.WAITLISTED || visit.state === PublicVisitState.PENDING);

  return (
    <PublicPage title={t("pub.visit.title")} office={office}>
      <p>{t("pub.visit.intro")}</p>
      <form onSubmit={find} noValidate>
        <Field id="visit-code" label={t("pub.visit.code")} hint={t("pub.visit.codeHint")} error={errors["visit-code"]}>
          {(a) => (
            <input {...a} type="text" autoComplete="off" autoCapitalize="characters" spellcheck={false} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          )}
        </Field>
        <Field id="visit-last4" label={t("pub.visit.last4")} hint={t("pub.visit.last4Hint")} error={errors["visit-last4"]}>
          {(a) => (
            <input {...a} type="text" inputMode="numeric" autoComplete="off" maxLength={4} class="short-input" value={last4} onInput={(e) => setLast4(e.currentTarget.value.replace(/\D/g, ""))} />
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            {t("pub.visit.find")}
          </button>
        </div>
      </form>
      <Status msg={msg} id="visit-status" />

      {visit && (
        <div class="visit-manage">
          <VisitFacts visit={visit} t={t} level={2} />
          {visit.state === PublicVisitState.AWAITING_CODE && (
            <section aria-labelledby="code-title">
              <h3 id="code-title">{t("pub.visit.codeTitle")}</h3>
              <PhoneCodeForm key={visit.bookingCode} bookingCode={visit.bookingCode} onConfirmed={codeConfirmed} onEnded={codeEnded} />
            </section>
          )}
          {visit.state === PublicVisitState.EXPIRED && (
            <p>
              <a href={publicHref("/book", office)}>{t("pub.visit.bookAgain")}</a>
            </p>
          )}
          {active && mode === "view" && (
            <div class="form-actions">
              <button type="button" class="secondary" onClick={() => { setMode("move"); setMsg(null); setDay(""); setChosen([]); focusSoon("move-title"); }}>
                {t("pub.visit.move")}
              </button>
              <button type="button" class="danger" onClick={() => { setMode("cancel"); setMsg(null); focusSoon("cancel-title"); }}>
                {t("pub.visit.cancel")}
              </button>
            </div>
          )}
          {active && mode === "cancel" && (
            <section class="confirm-box" aria-labelledby="cancel-title">
              <h3 id="cancel-title" tabIndex={-1}>
                {t("pub.visit.cancelSure")}
              </h3>
              <p>{t("pub.visit.cancelText")}</p>
              <div class="form-actions">
                <button type="button" class="danger" disabled={busy} onClick={() => void doCancel()}>
                  {t("pub.visit.cancelYes")}
                </button>
                <button type="button" class="secondary" onClick={() => { setMode("view"); focusSoon("visit-facts-title"); }}>
                  {t("pub.visit.cancelNo")}
                </button>
              </div>
            </section>
          )}
          {active && mode === "move" && (
            <form onSubmit={doMove} noValidate aria-labelledby="move-title">
              <h3 id="move-title" tabIndex={-1}>
                {t("pub.visit.moveTitle")}
              </h3>
              <OpenDaysPicker t={t} open={openDays} idPrefix="move" day={day} onDay={setDay} chosen={chosen} onChosen={setChosen} slotError={errors.move} />
              <div class="form-actions">
                <button type="submit" disabled={busy}>
                  {t("pub.visit.moveSubmit")}
                </button>
                <button type="button" class="secondary" onClick={() => { setMode("view"); setErrors({}); focusSoon("visit-facts-title"); }}>
                  {t("pub.visit.moveAbort")}
                </button>
              </div>
            </form>
          )}
        </div>
      )}
    </PublicPage>
  );
}
