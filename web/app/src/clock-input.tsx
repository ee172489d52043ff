// A time of day typed as the office writes it, on the 24-hour clock. Not <input type="time">:
// the browser draws that in the computer's language ("09:00 AM" on an English Windows), whatever
// the page's. This takes "08.30" (as Indonesian writes it), "08:30", "08,30", "0830" and "8", hands
// the page "HH:MM" as soon as the text is a time (the text itself while it is not, for the page's
// check to name), and shows "HH:MM" once the person leaves the field.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { normalizeClock, useT } from "./i18n";

type Props = Omit<JSX.IntrinsicElements["input"], "value" | "onInput" | "type"> & {
  value: string;
  onValue: (v: string) => void;
  /** An end of a span, which may be 24:00 (midnight at the day's end). */
  end?: boolean;
};

export function ClockInput({ value, onValue, end = false, class: cls, ...rest }: Props) {
  const t = useT();
  const [text, setText] = useState(value);
  // What the person typed while it means the page's value; the page's value once the page set
  // another (a reset, a loaded record), in the same drawing.
  const shown = (normalizeClock(text, end) ?? text) === value ? text : value;
  return (
    <input
      {...rest}
      type="text"
      class={["clock", cls].filter(Boolean).join(" ")}
      inputMode="decimal"
      autoComplete="off"
      spellcheck={false}
      maxLength={5}
      placeholder={t("clock.placeholder")}
      value={shown}
      onInput={(e) => {
        const raw = e.currentTarget.value;
        setText(raw);
        onValue(normalizeClock(raw, end) ?? raw);
      }}
      onBlur={() => {
        const n = normalizeClock(shown, end);
        if (n) setText(n);
      }}
    />
  );
}
