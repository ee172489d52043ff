// Book a visit (Spontan) without signing in: service -> day and times -> details -> the 6-digit
// code sent to the phone -> the result (the scheduler allocates the seat; we poll until it has).
import { useEffect, useRef, useState } from "preact/hooks";
import { AccessibilityNeed, PriorityClass } from "@gen/loket/v1/common_pb.js";
import { PublicVisitState, type BookVisitResponse, type PublicOffice, type PublicSlot, type PublicVisit } from "@gen/loket/v1/public_pb.js";
import { getLang } from "../i18n";
import { clients } from "../api";
import { problemText } from "../server-text";
import type { RouteProps } from "../router";
import { Field, OpenDaysPicker, PublicPage, Status, fieldError, focusSoon, limitOf, longDay, officeClock, officeOf, pollVisit, publicErrorText, publicHref, useOpenDays, usePublicT, useRequestId, type Msg, type T } from "./public-common";
import { publicBookStrings } from "./public-book.i18n";
import { VisitFacts } from "./public-visit-facts";
import { PhoneCodeForm } from "./public-code";
import { NIK_INPUT_MAX, nikTyped } from "../nik";

type Step = "service" | "when" | "details" | "code" | "result";
const STEPS: Step[] = ["service", "when", "details", "code", "result"];

const FIELD_MAP: Record<string, string> = {
  nik: "nik",
  name: "name",
  phone: "phone",
  email: "email",
  language: "language",
  needs: "need-wheelchair",
  disability: "disability",
  service: "service-0",
  windows: "when",
};

export function phoneLast4(phone: string): string {
  return phone.replace(/\D/g, "").slice(-4);
}

/** loketd's field messages (English) in the page's words, where we know them. */
const SERVER_TEXT: [RegExp, string][] = [
  [/must be 16 digits/, "pub.book.v.nik"],
  [/province code/, "pub.book.s.nikProvince"],
  [/kabupaten\/kota code/, "pub.book.s.nikKabKota"],
  [/kecamatan code/, "pub.book.s.nikKecamatan"],
  [/birth date/, "pub.book.s.nikBirth"],
  [/serial 0000/, "pub.book.s.nikSerial"],
  [/must start with|digits after|0 right after/, "pub.book.v.phone"],
  [/not an e-mail address/, "pub.book.v.email"],
];
function serverFieldText(text: string, t: T): string {
  for (const [re, key] of SERVER_TEXT) if (re.test(text)) return t(key);
  return problemText(text, t);
}

function settled(v: PublicVisit | null): boolean {
  return !!v && v.state !== PublicVisitState.PENDING && v.state !== PublicVisitState.AWAITING_CODE;
}

export default function PublicBook({ query }: RouteProps) {
  const t = usePublicT(publicBookStrings);
  const office = officeOf(query);
  const [step, setStep] = useState<Step>("service");
  const [officeInfo, setOfficeInfo] = useState<PublicOffice | null>(null);
  const [loadMsg, setLoadMsg] = useState<Msg | null>(null);
  const [service, setService] = useState(query.get("service") ?? "");
  const [day, setDay] = useState("");
  const [chosen, setChosen] = useState<PublicSlot[]>([]);
  const [nik, setNik] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [language, setLanguage] = useState<string>(getLang());
  const [needs, setNeeds] = useState<AccessibilityNeed[]>([]);
  const [disability, setDisability] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<Msg | null>(null);
  const [busy, setBusy] = useState(false);
  const [booking, setBooking] = useState<BookVisitResponse | null>(null);
  const [ended, setEnded] = useState(false);
  const [visit, setVisit] = useState<PublicVisit | null>(null);
  const bookId = useRequestId();
  const openDays = useOpenDays(office, step === "when" || step === "details" ? service : "");
  const firstRender = useRef(true);

  useEffect(() => {
    let alive = true;
    clients.public.getPublicOffice({ officeId: office }).then(
      (o) => {
        if (!alive) return;
        setOfficeInfo(o);
        setLoadMsg(null);
      },
      (e) => alive && setLoadMsg({ kind: "bad", text: publicErrorText(e, t) }),
    );
    return () => {
      alive = false;
    };
  }, [office]);

  // A new step: its heading takes the focus, so a screen reader starts reading there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    focusSoon("step-heading");
  }, [step]);

  // After the code: the scheduler chooses a seat within seconds; ask until it has, less and less
  // often (every look counts against this address's limit of guesses).
  useEffect(() => {
    if (step !== "result" || !booking || settled(visit)) return;
    return pollVisit(() => clients.public.getVisit({ code: booking.bookingCode, phoneLast4: phoneLast4(phone) }), setVisit, settled);
  }, [step, booking]);

  function go(s: Step) {
    setMsg(null);
    setErrors({});
    setStep(s);
  }

  // A field's error goes once the person changes that field (the next submit checks it again).
  function edited(field: string, set: (v: string) => void) {
    return (e: { currentTarget: HTMLInputElement }) => {
      set(e.currentTarget.value);
      if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
    };
  }

  function showErrors(errs: Record<string, string>) {
    setErrors(errs);
    const first = Object.keys(errs)[0];
    if (first) {
      setMsg({ kind: "bad", text: t("pub.fix", { n: Object.keys(errs).length }) });
      focusSoon(first === "when" ? "when-slot-0" : first);
    }
  }

  function nextFromService(e: Event) {
    e.preventDefault();
    if (!service) return showErrors({ "service-0": t("pub.book.v.service") });
    go("when");
  }

  function nextFromWhen(e: Event) {
    e.preventDefault();
    if (!day) {
      setErrors({ day: t("pub.book.v.day") });
      setMsg({ kind: "bad", text: t("pub.book.v.day") });
      focusSoon("when-day-0");
      return;
    }
    if (chosen.length === 0) {
      setErrors({ when: t("pub.book.v.slots") });
      setMsg({ kind: "bad", text: t("pub.book.v.slots") });
      focusSoon("when-slot-0");
      return;
    }
    go("details");
  }

  async function submitDetails(e: Event) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!/^\d{16}$/.test(nik.trim())) errs.nik = t("pub.book.v.nik");
    if (name.trim().length < 2) errs.name = t("pub.book.v.name");
    if (!/^(\+62|62|0)8\d{7,12}$/.test(phone.replace(/[\s-]/g, ""))) errs.phone = t("pub.book.v.phone");
    if (email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) errs.email = t("pub.book.v.email");
    if (Object.keys(errs).length) return showErrors(errs);
    setErrors({});
    setMsg({ kind: "info", text: t("pub.book.sending") });
    setBusy(true);
    const requestId = bookId.take();
    try {
      const r = await clients.public.bookVisit({
        requestId,
        officeId: office,
        service,
        windows: chosen.map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt })),
        nik: nik.trim(),
        name: name.trim(),
        phone: phone.replace(/[\s-]/g, ""),
        email: email.trim(),
        language,
        needs,
        disability,
      });
      bookId.settle();
      setBooking(r);
      setEnded(false);
      go("code");
    } catch (err) {
      bookId.settle(err);
      const fe = fieldError(err, FIELD_MAP);
      const limit = limitOf(err);
      if (limit) {
        // Refused before any SMS: this phone already holds its live bookings (BookVisit checks the
        // phone; a NIK's limit answers at the code step).
        setErrors({ [limit.what]: publicErrorText(err, t) });
        setMsg({ kind: "bad", text: t("pub.fix", { n: 1 }) });
        focusSoon(limit.what);
      } else if (fe && fe.id === "when") {
        setStep("when");
        setErrors({ when: fe.text });
        setMsg({ kind: "bad", text: t("pub.fix", { n: 1 }) });
      } else if (fe && fe.id === "service-0") {
        setStep("service");
        setErrors({ "service-0": fe.text });
        setMsg({ kind: "bad", text: t("pub.fix", { n: 1 }) });
      } else if (fe) {
        setErrors({ [fe.id]: serverFieldText(fe.text, t) });
        setMsg({ kind: "bad", text: t("pub.fix", { n: 1 }) });
        focusSoon(fe.id);
      } else {
        setMsg({ kind: "bad", text: publicErrorText(err, t) });
      }
    } finally {
      setBusy(false);
    }
  }

  function confirmed(v: PublicVisit) {
    setVisit(v);
    go("result");
  }

  function endedNow() {
    setEnded(true);
    setMsg({ kind: "bad", text: t("pub.book.ended") });
    focusSoon("ended-heading");
  }

  function startAgain() {
    setBooking(null);
    setVisit(null);
    setEnded(false);
    setChosen([]);
    go("when");
  }

  const stepNo = STEPS.indexOf(step) + 1;
  const serviceName = officeInfo?.services.find((s) => s.code === service)?.name ?? service;

  return (
    <PublicPage title={t("pub.book.title")} office={office}>
      <p class="muted">{officeInfo?.name ?? ""}</p>
      <ol class="steps" aria-label={t("pub.book.progress")}>
        {STEPS.map((s, i) => (
          <li key={s} class={i + 1 === stepNo ? "current" : i + 1 < stepNo ? "done" : ""} aria-current={i + 1 === stepNo ? "step" : undefined}>
            {t(`pub.book.step.${s}`)}
          </li>
        ))}
      </ol>
      <h2 id="step-heading" tabIndex={-1}>
        {t("pub.book.stepOf", { n: stepNo, total: STEPS.length, name: t(`pub.book.step.${step}`) })}
      </h2>
      <Status msg={loadMsg} />

      {step === "service" && (
        <form onSubmit={nextFromService} noValidate>
          <fieldset aria-describedby={errors["service-0"] ? "service-error" : undefined}>
            <legend>{t("pub.book.service")}</legend>
            {errors["service-0"] && (
              <p class="field-error" id="service-error">
                {errors["service-0"]}
              </p>
            )}
            {!officeInfo && !loadMsg && <p role="status">{t("common.loading")}</p>}
            <ul class="choice-list">
              {officeInfo?.services.map((s, i) => (
                <li key={s.code}>
                  <label class="choice" for={`service-${i}`}>
                    <input type="radio" id={`service-${i}`} name="service" value={s.code} checked={service === s.code} onChange={() => setService(s.code)} />
                    <span class="choice-title">{s.name}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <Status msg={msg} />
          <div class="form-actions">
            <button type="submit">{t("pub.next")}</button>
          </div>
        </form>
      )}

      {step === "when" && (
        <form onSubmit={nextFromWhen} noValidate>
          <p>{t("pub.book.serviceChosen", { name: serviceName })}</p>
          <OpenDaysPicker
            t={t}
            open={openDays}
            idPrefix="when"
            day={day}
            // A choice made answers the error that asked for it: neither stays on screen.
            onDay={(d) => {
              setDay(d);
              if (errors.day) {
                setErrors(({ day: _, ...rest }) => rest);
                setMsg(null);
              }
            }}
            chosen={chosen}
            onChosen={(c) => {
              setChosen(c);
              if (errors.when && c.length > 0) {
                setErrors(({ when: _, ...rest }) => rest);
                setMsg(null);
              }
            }}
            dayError={errors.day}
            slotError={errors.when}
          />
          <Status msg={msg} />
          <div class="form-actions">
            <button type="button" class="secondary" onClick={() => go("service")}>
              {t("common.back")}
            </button>
            <button type="submit">{t("pub.next")}</button>
          </div>
        </form>
      )}

      {step === "details" && (
        <form onSubmit={submitDetails} noValidate>
          <p>{t("pub.book.detailsIntro")}</p>
          <Field id="nik" label={t("pub.book.nik")} hint={t("pub.book.nikHint")} error={errors.nik}>
            {(a) => <input {...a} type="text" inputMode="numeric" autoComplete="off" maxLength={NIK_INPUT_MAX} value={nik} onInput={edited("nik", (v) => setNik(nikTyped(v)))} />}
          </Field>
          <Field id="name" label={t("pub.book.name")} error={errors.name}>
            {(a) => <input {...a} type="text" autoComplete="name" value={name} onInput={edited("name", setName)} />}
          </Field>
          <Field id="phone" label={t("pub.book.phone")} hint={t("pub.book.phoneHint")} error={errors.phone}>
            {(a) => <input {...a} type="tel" autoComplete="tel" value={phone} onInput={edited("phone", setPhone)} />}
          </Field>
          <Field id="email" label={t("pub.book.email")} hint={t("pub.book.emailHint")} error={errors.email}>
            {(a) => <input {...a} type="email" autoComplete="email" value={email} onInput={edited("email", setEmail)} />}
          </Field>
          <Field id="language" label={t("pub.book.language")} hint={t("pub.book.languageHint")} error={errors.language}>
            {(a) => (
              <select {...a} value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
                <option value="id" lang="id">
                  Bahasa Indonesia
                </option>
                <option value="en" lang="en">
                  English
                </option>
              </select>
            )}
          </Field>
          <fieldset aria-describedby={errors["need-wheelchair"] ? "needs-error" : undefined}>
            <legend>{t("pub.book.needs")}</legend>
            {errors["need-wheelchair"] && (
              <p class="field-error" id="needs-error">
                {errors["need-wheelchair"]}
              </p>
            )}
            {(
              [
                ["need-wheelchair", AccessibilityNeed.WHEELCHAIR, "pub.need.wheelchair"],
                ["need-sign", AccessibilityNeed.SIGN_LANGUAGE, "pub.need.sign"],
                ["need-seated", AccessibilityNeed.SEATED_SERVICE, "pub.need.seated"],
              ] as const
            ).map(([id, need, key]) => (
              <label class="check" for={id} key={id}>
                <input
                  type="checkbox"
                  id={id}
                  checked={needs.includes(need)}
                  onChange={(e) => setNeeds(e.currentTarget.checked ? [...needs, need] : needs.filter((n) => n !== need))}
                />
                {t(key)}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t("pub.book.priority")}</legend>
            <label class="check" for="disability">
              <input type="checkbox" id="disability" aria-describedby="disability-hint" checked={disability} onChange={(e) => setDisability(e.currentTarget.checked)} />
              {t("pub.book.disability")}
            </label>
            <p class="hint" id="disability-hint">
              {t("pub.book.disabilityHint")}
            </p>
            <p class="hint">{t("pub.book.elderlyHint")}</p>
          </fieldset>
          <Summary t={t} serviceName={serviceName} day={day} chosen={chosen} />
          <Status msg={msg} />
          <div class="form-actions">
            <button type="button" class="secondary" onClick={() => go("when")}>
              {t("common.back")}
            </button>
            <button type="submit" disabled={busy}>
              {busy ? t("pub.book.sending") : t("pub.book.sendCode")}
            </button>
          </div>
        </form>
      )}

      {step === "code" && booking && !ended && (
        <PhoneCodeForm bookingCode={booking.bookingCode} sent={booking} onConfirmed={confirmed} onEnded={endedNow}>
          {booking.priorityClass === PriorityClass.ELDERLY && <p class="notice ok">{t("pub.book.elderlyYes")}</p>}
          <p>
            {t("pub.book.bookingCode")} <strong class="mono" data-testid="booking-code">{booking.bookingCode}</strong>
          </p>
        </PhoneCodeForm>
      )}

      {step === "code" && ended && (
        <div data-testid="booking-ended">
          <h3 id="ended-heading" tabIndex={-1}>
            {t("pub.book.endedTitle")}
          </h3>
          <Status msg={msg} />
          <div class="form-actions">
            <button type="button" onClick={startAgain}>
              {t("pub.book.startAgain")}
            </button>
          </div>
        </div>
      )}

      {step === "result" && (
        <div data-testid="booking-result">
          {!settled(visit) && (
            <p class="notice" role="status" aria-live="polite">
              {t("pub.book.pending")}
            </p>
          )}
          {visit && settled(visit) && <VisitFacts visit={visit} t={t} announce />}
          {visit && settled(visit) && (
            <p>
              <a href={publicHref("/visit", office, { code: visit.visitCode || visit.bookingCode })}>{t("pub.book.manage")}</a>
            </p>
          )}
        </div>
      )}
    </PublicPage>
  );
}

function Summary(props: { t: T; serviceName: string; day: string; chosen: PublicSlot[] }) {
  const { t } = props;
  return (
    <section class="summary" aria-labelledby="summary-title">
      <h3 id="summary-title">{t("pub.book.summary")}</h3>
      <dl class="facts">
        <dt>{t("pub.book.service")}</dt>
        <dd>{props.serviceName}</dd>
        <dt>{t("pub.book.day")}</dt>
        <dd>{longDay(props.day)}</dd>
        <dt>{t("pub.book.times")}</dt>
        <dd>
          <ol class="plain">
            {props.chosen.map((c) => (
              <li key={c.startsAt}>
                {officeClock(c.startsAt)}–{officeClock(c.endsAt)} WITA
              </li>
            ))}
          </ol>
        </dd>
      </dl>
    </section>
  );
}
