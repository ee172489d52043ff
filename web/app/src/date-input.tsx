// A date field that is empty says so in the page's language. The browser's own date control is
// kept, for its calendar and a phone's date wheel, but an empty one shows "mm/dd/yyyy" in the
// computer's language and order (on an English Windows), which a reader in Balikpapan takes for
// day/month. While the field is empty and not being typed in, that text is hidden under "Pilih
// tanggal"; once a day is chosen, DayEcho names it in words.
import type { JSX } from "preact";
import { useT } from "./i18n";

type Props = Omit<JSX.IntrinsicElements["input"], "type" | "value"> & { value: string };

export function DateInput({ value, ...rest }: Props) {
  const t = useT();
  return (
    <span class="date-input" data-empty={value ? undefined : ""}>
      <input {...rest} type="date" value={value} />
      <span class="date-input__empty" aria-hidden="true">
        {t("date.choose")}
      </span>
    </span>
  );
}
