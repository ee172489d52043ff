// A date field that shows its day in the page's language. The browser's own date control is kept,
// for its calendar and a phone's date wheel, but it writes the day in the computer's language and
// order: on an English Windows "12/07/2026", which a reader in Balikpapan takes for 12 July, and
// "mm/dd/yyyy" when empty. While the person is not in the field, that text is hidden under the
// page's own: the day as the page writes dates ("7 Des 2026") or "Pilih tanggal". In the field the
// browser's text shows for typing; below it, the day in words ("Senin, 7 Desember 2026") says
// which day the browser took, and is the input's description for a screen reader.
import type { JSX } from "preact";
import { useId } from "preact/hooks";
import { formatDate, formatDayLong, useT } from "./i18n";

type Props = Omit<JSX.IntrinsicElements["input"], "type" | "value"> & { value: string };

export function DateInput({ value, "aria-describedby": describedBy, ...rest }: Props) {
  const t = useT();
  const echoId = useId();
  const words = formatDayLong(value);
  return (
    <>
      <span class="date-input" data-empty={value ? undefined : ""}>
        <input
          {...rest}
          type="date"
          value={value}
          aria-describedby={[describedBy as string | undefined, words ? echoId : ""].filter(Boolean).join(" ") || undefined}
        />
        <span class="date-input__shown" aria-hidden="true">
          {value ? formatDate(value) : t("date.choose")}
        </span>
      </span>
      {words ? (
        <span class="hint day-echo" data-testid="day-echo" id={echoId}>
          {words}
        </span>
      ) : null}
    </>
  );
}
