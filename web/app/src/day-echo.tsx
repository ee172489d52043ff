// A date field's day in words beside it ("Senin, 7 Desember 2026"). The browser draws its date
// control in its own language, not the page's: on an English Windows "12/07/2026" is the 7th of
// December to the browser and the 12th of July to a reader in Balikpapan.
import { formatDayLong } from "./i18n";

export function DayEcho({ value, id }: { value: string; id?: string }) {
  const words = formatDayLong(value);
  return words ? (
    <span class="hint day-echo" data-testid="day-echo" id={id}>
      {words}
    </span>
  ) : null;
}
