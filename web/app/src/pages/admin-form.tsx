// The pieces every admin tab builds its forms and sections from: a labelled input, a section
// heading with its reload button, the "I am sure" box, and the submit button with its status line.
import type { JSX } from "preact";
import { useId } from "preact/hooks";
import type { Actions } from "./counter-actions";
import { StatusLine } from "./counter-ui";
import { ClockInput } from "../clock-input";
import { DateInput } from "../date-input";
import type { T } from "./admin";

type InputProps = Omit<JSX.IntrinsicElements["input"], "value" | "onInput">;

/** `<label class="pb-field">` around one input; `onValue` gets what the person typed. A date is a
 * DateInput: the day in the page's words, not the browser's. */
export function InputField({ label, value, onValue, type = "text", ...rest }: InputProps & { label: string; value: string; onValue: (v: string) => void }) {
  const id = useId();
  // A date's day in words (DateInput) describes the field; outside the label, it is not its name.
  return type === "date" ? (
    <div class="pb-field">
      <label for={id}>{label}</label>
      <DateInput id={id} value={value} onInput={(e) => onValue(e.currentTarget.value)} {...rest} />
    </div>
  ) : (
    <label class="pb-field">
      <span>{label}</span>
      <input type={type} value={value} onInput={(e) => onValue((e.target as HTMLInputElement).value)} {...rest} />
    </label>
  );
}

/** `<label class="pb-field">` around a time of day on the 24-hour clock (ClockInput). */
export function ClockField({ label, value, onValue, ...rest }: Omit<InputProps, "type"> & { label: string; value: string; onValue: (v: string) => void }) {
  return (
    <label class="pb-field">
      <span>{label}</span>
      <ClockInput value={value} onValue={onValue} {...rest} />
    </label>
  );
}

/** A tab's heading with the button that loads its list again. */
export function SectionHead({ t, id, title, onReload }: { t: T; id: string; title: string; onReload: () => unknown }) {
  return (
    <div class="spread">
      <h2 id={id}>{title}</h2>
      <button type="button" class="secondary small" onClick={() => void onReload()}>
        {t("admin.reload")}
      </button>
    </div>
  );
}

/** The box a person ticks before a closing that displaces bookings. */
export function SureCheck({ t, sure, onSure }: { t: T; sure: boolean; onSure: (v: boolean) => void }) {
  return (
    <label class="check">
      <input type="checkbox" required checked={sure} onChange={(e) => onSure((e.target as HTMLInputElement).checked)} /> {t("admin.sure")}
    </label>
  );
}

/** A form's submit button (off while an action runs) and the status line its result goes to. */
export function SubmitWithStatus({ act, label, danger }: { act: Actions; label: string; danger?: boolean }) {
  return (
    <>
      <button type="submit" class={danger ? "danger" : undefined} disabled={act.busy !== null}>
        {label}
      </button>
      <StatusLine status={act.status} />
    </>
  );
}
