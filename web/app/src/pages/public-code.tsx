// The 6-digit phone code of a booking not yet confirmed: type it, or ask for a new one. The booking
// page shows it as its fourth step; "manage my booking" shows it for a booking left at that step
// (the page closed, the phone flat), which would otherwise be a dead end.
import { useState } from "preact/hooks";
import { PublicVisitState, type BookVisitResponse, type PublicVisit } from "@gen/loket/v1/public_pb.js";
import { clients, codeOf, rawMessage, Code } from "../api";
import { Field, Status, focusSoon, limitOf, officeClock, officeDateTime, publicErrorText, usePublicT, type Msg } from "./public-common";
import { publicCodeStrings } from "./public-code.i18n";

/** "code: wrong code, 3 tries left" -> 3. */
export function triesLeft(msg: string): number | undefined {
  const m = /(\d+)\s*(?:tries|try|attempts?|percobaan|kali)\b/i.exec(msg) ?? /(?:left|sisa)\D{0,12}(\d+)/i.exec(msg);
  return m ? Number(m[1]) : undefined;
}

export function PhoneCodeForm(props: {
  bookingCode: string;
  /** Where and until when the code went, when this page sent it; unknown on "manage my booking". */
  sent?: BookVisitResponse;
  onConfirmed: (v: PublicVisit) => void;
  /** Five wrong codes, or the booking ended otherwise: no visit was made. */
  onEnded: () => void;
  children?: preact.ComponentChildren;
}) {
  const t = usePublicT(publicCodeStrings);
  const [sent, setSent] = useState<BookVisitResponse | undefined>(props.sent);
  const [code, setCode] = useState("");
  const [error, setError] = useState("");
  const [msg, setMsg] = useState<Msg | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm(e: Event) {
    e.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setError(t("pub.code.v.code"));
      focusSoon("code");
      return;
    }
    setBusy(true);
    setError("");
    setMsg({ kind: "info", text: t("pub.code.confirming") });
    try {
      const v = await clients.public.confirmVisit({ bookingCode: props.bookingCode, code: code.trim() });
      setMsg(null);
      if (v.state === PublicVisitState.EXPIRED) props.onEnded();
      else props.onConfirmed(v);
    } catch (err) {
      wrongCode(err);
    } finally {
      setBusy(false);
    }
  }

  function wrongCode(err: unknown) {
    const raw = rawMessage(err);
    const c = codeOf(err);
    // loketd: INVALID_ARGUMENT "code: wrong code; N tries left"; FAILED_PRECONDITION "...this
    // booking has ended, please book again" (the fifth wrong try) or "code: expired ...; ask for
    // a new code" (ResendCode helps).
    if (c === Code.FailedPrecondition && /ended|book again|berakhir/i.test(raw)) {
      setCode("");
      setMsg(null);
      props.onEnded();
      return;
    }
    if (limitOf(err)) {
      // Not the code's fault: this NIK or phone already holds its bookings.
      setError("");
      setMsg({ kind: "bad", text: publicErrorText(err, t) });
      return;
    }
    const left = triesLeft(raw);
    let text: string;
    if (c === Code.InvalidArgument && left !== undefined) text = t("pub.code.wrongCodeLeft", { n: left });
    else if (c === Code.FailedPrecondition && /expire/i.test(raw)) text = t("pub.code.codeExpired");
    else if (c === Code.InvalidArgument && /^\s*code\s*:/.test(raw)) text = t("pub.code.wrongCode");
    else text = publicErrorText(err, t);
    // The message stays beside the field (read out at once: role=alert on it).
    setError(text);
    setMsg(null);
    focusSoon("code");
  }

  async function resend() {
    setBusy(true);
    try {
      const r = await clients.public.resendCode({ bookingCode: props.bookingCode });
      setSent(r);
      setCode("");
      setError("");
      setMsg({ kind: "ok", text: t("pub.code.resent", { phone: r.phoneMasked, time: officeClock(r.codeExpiresAt) }) });
      focusSoon("code");
    } catch (err) {
      setMsg({ kind: "bad", text: publicErrorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={confirm} noValidate>
      {sent ? (
        <>
          <p>{t("pub.code.codeSent", { phone: sent.phoneMasked })}</p>
          <p>{t("pub.code.codeExpires", { time: officeDateTime(sent.codeExpiresAt) })}</p>
        </>
      ) : (
        <p>{t("pub.code.sentEarlier")}</p>
      )}
      {props.children}
      <Field id="code" label={t("pub.code.code")} hint={t("pub.code.codeHint")} error={error || undefined} liveError>
        {(a) => (
          <input
            {...a}
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            class="code-input"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value.replace(/\D/g, ""))}
          />
        )}
      </Field>
      <Status msg={msg} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {t("pub.code.confirm")}
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => void resend()}>
          {t("pub.code.resend")}
        </button>
      </div>
    </form>
  );
}
