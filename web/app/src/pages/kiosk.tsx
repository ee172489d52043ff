// The kiosk at the door (/#/kiosk, signed in as a counter): big buttons, an appointment code or a
// walk-in, the health screening, then the ticket is printed on an 80 mm slip (window.print()).
import { useEffect, useRef, useState } from "preact/hooks";
import type { CheckInResponse } from "@gen/loket/v1/queue_pb.js";
import { PriorityClass } from "@gen/loket/v1/common_pb.js";
import { clients } from "../api";
import { useT } from "../i18n";
import { Page, LangSwitch } from "../layout";
import { useActions } from "./counter-actions";
import { ScreeningFields, ServiceSelect, StatusLine, parseTemperature } from "./counter-ui";
import { TicketSlip, printTicket } from "./kiosk-ticket";
import { PRIORITIES, usePermitTypes } from "./counter";
import { counterCatalog } from "./counter.i18n";
import { kioskCatalog } from "./kiosk.i18n";
import "./counter.css";
import "./kiosk.css";
import { problemText } from "../server-text";
import "./staff-words.i18n"; // the counter, kiosk and courier words for loketd's messages

type Step = "start" | "appt" | "walk" | "result";
const RESET_SECONDS = 45;

export default function KioskPage() {
  const t = useT(kioskCatalog, counterCatalog);
  const act = useActions(t);
  const permitTypes = usePermitTypes();
  const [step, setStep] = useState<Step>("start");
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [service, setService] = useState("");
  const [priority, setPriority] = useState<PriorityClass>(PriorityClass.NONE);
  const [temp, setTemp] = useState("");
  const [mask, setMask] = useState<boolean | undefined>(undefined);
  const [seated, setSeated] = useState(false);
  const [result, setResult] = useState<CheckInResponse | undefined>(undefined);
  const [left, setLeft] = useState(RESET_SECONDS);
  const slip = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const reset = () => {
    setStep("start");
    setCode("");
    setName("");
    setService("");
    setPriority(PriorityClass.NONE);
    setTemp("");
    setMask(undefined);
    setSeated(false);
    setResult(undefined);
    act.setStatus(null);
  };

  useEffect(() => {
    heading.current?.focus();
  }, [step]);

  // Print once the slip is on screen; go back to the start after a while.
  useEffect(() => {
    if (step !== "result") return;
    if (result?.ticket) printTicket(slip.current?.firstElementChild as HTMLElement);
    setLeft(RESET_SECONDS);
    const id = setInterval(() => {
      setLeft((s) => {
        if (s <= 1) {
          clearInterval(id);
          reset();
          return RESET_SECONDS;
        }
        return s - 1;
      });
    }, 1000);
    return () => clearInterval(id);
  }, [step, result]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const screening = { temperatureC: parseTemperature(temp), mask: mask === true };
    const who =
      step === "appt"
        ? { case: "appointmentCode" as const, value: code.trim() }
        : { case: "walkIn" as const, value: { name: name.trim(), service, priorityClass: priority, language: "id" } };
    const key = `kiosk:${JSON.stringify({ step, code, name, service, priority, temp, mask, seated })}`;
    const form = e.currentTarget as HTMLFormElement;
    const r = await act.run(key, (rid) => clients.queue.checkIn({ requestId: rid, who, screening, seated }));
    if (r) {
      setResult(r);
      setStep("result");
    } else {
      // The button was disabled while the call ran, which drops focus to the page: put it back where
      // the person fixes it (the code that was not found, or the field loketd named).
      setTimeout(() => (form.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.querySelector<HTMLElement>("input"))?.focus(), 0);
    }
  };

  const serviceName = (c: string) => permitTypes.find((p) => p.code === c)?.name ?? c;

  return (
    <Page title={t("kiosk.title")} class="kiosk" bare>
      <div class="kiosk-top">
        <span class="kiosk-office">{t("app.office")}</span>
        <LangSwitch />
      </div>
      {step === "start" ? (
        <section aria-labelledby="kiosk-h">
          <h2 id="kiosk-h" ref={heading} tabIndex={-1}>
            {t("kiosk.welcome")}
          </h2>
          <div class="kiosk-choices">
            <button type="button" class="kiosk-big" onClick={() => setStep("appt")}>
              {t("kiosk.haveCode")}
            </button>
            <button type="button" class="kiosk-big secondary" onClick={() => setStep("walk")}>
              {t("kiosk.noCode")}
            </button>
          </div>
        </section>
      ) : null}
      {step === "appt" || step === "walk" ? (
        <form onSubmit={submit} aria-labelledby="kiosk-h">
          <h2 id="kiosk-h" ref={heading} tabIndex={-1}>
            {step === "appt" ? t("kiosk.haveCode") : t("kiosk.noCode")}
          </h2>
          {step === "appt" ? (
            <label class="pb-field">
              <span>{t("kiosk.code")}</span>
              <input type="text" name="appointment_code" required autocomplete="off" autocapitalize="characters" value={code} aria-invalid={act.field || act.status?.kind === "error" ? true : undefined} onInput={(e) => setCode((e.target as HTMLInputElement).value)} />
            </label>
          ) : (
            <>
              <label class="pb-field">
                <span>{t("kiosk.name")}</span>
                <input type="text" name="name" required autocomplete="off" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
              </label>
              <ServiceSelect label={t("kiosk.service")} pick={t("counter.servicePick")} value={service} onValue={setService} permitTypes={permitTypes} />
              <fieldset>
                <legend>{t("kiosk.priority")}</legend>
                <div class="kiosk-options">
                  {PRIORITIES.map(([v, k]) => (
                    <label key={k}>
                      <input type="radio" name="priority" checked={priority === v} onChange={() => setPriority(v)} /> {t(`priority.${k}`)}
                    </label>
                  ))}
                </div>
              </fieldset>
            </>
          )}
          <div class="kiosk-options">
            <label>
              <input type="checkbox" name="seated" checked={seated} onChange={(e) => setSeated((e.target as HTMLInputElement).checked)} /> {t("kiosk.seated")}
            </label>
          </div>
          <fieldset>
            <legend>{t("kiosk.screening")}</legend>
            <ScreeningFields tempLabel={t("kiosk.temp")} maskLabel={t("kiosk.mask")} yes={t("common.yes")} no={t("common.no")} hint={t("screening.tempHint")} temp={temp} onTemp={setTemp} mask={mask} onMask={setMask} />
          </fieldset>
          <StatusLine status={act.status} />
          <div class="kiosk-actions">
            <button type="submit" disabled={act.busy !== null}>
              {t("kiosk.get")}
            </button>
            <button type="button" class="secondary" onClick={reset}>
              {t("kiosk.back")}
            </button>
          </div>
        </form>
      ) : null}
      {step === "result" && result ? (
        <section class="kiosk-result" aria-labelledby="kiosk-h">
          {result.ticket ? (
            <>
              <h2 id="kiosk-h" ref={heading} tabIndex={-1}>
                {t("kiosk.yourNumber")}: {result.ticket.label}
              </h2>
              <div ref={slip}>
                <TicketSlip ticket={result.ticket} t={t} serviceName={serviceName(result.ticket.service)} />
              </div>
              <p role="status">{t("kiosk.printing")}</p>
            </>
          ) : (
            <>
              <h2 id="kiosk-h" ref={heading} tabIndex={-1} class="visually-hidden">
                {t("kiosk.title")}
              </h2>
              <p class="kiosk-fail" role="alert">
                {t("kiosk.failed", { note: problemText(result.visit?.screeningNote ?? "", t) })}
              </p>
            </>
          )}
          <p class="muted">{t("kiosk.reset", { s: left })}</p>
          <div class="kiosk-actions">
            {result.ticket ? (
              <button type="button" class="secondary" onClick={() => printTicket(slip.current?.firstElementChild as HTMLElement)}>
                {t("kiosk.printAgain")}
              </button>
            ) : null}
            <button type="button" onClick={reset}>
              {t("kiosk.again")}
            </button>
          </div>
        </section>
      ) : null}
    </Page>
  );
}
