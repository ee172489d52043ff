// Small pieces the PAGES-B pages share: the status line every page announces its results in, a
// table's column headings, the service (permit type) a walk-in comes for, and the health
// screening's two answers (counter and kiosk).
import type { PermitType } from "@gen/loket/v1/catalog_pb.js";
import type { Status } from "./counter-actions";

/** One polite live region for results, an assertive one for errors (both always present). */
export function StatusLine({ status, id }: { status: Status; id?: string }) {
  return (
    <div class="pb-status" id={id}>
      <p role="status" aria-live="polite" class={status && status.kind !== "error" ? `pb-status__msg pb-status__msg--${status.kind}` : "pb-status__empty"}>
        {status && status.kind !== "error" ? status.text : ""}
      </p>
      <p role="alert" class={status && status.kind === "error" ? "pb-status__msg pb-status__msg--error" : "pb-status__empty"}>
        {status && status.kind === "error" ? status.text : ""}
      </p>
    </div>
  );
}

/** The service a visitor comes for, picked from the permit types (counter and kiosk). */
export function ServiceSelect({ label, pick, value, onValue, permitTypes, invalid }: { label: string; pick: string; value: string; onValue: (v: string) => void; permitTypes: PermitType[]; invalid?: true }) {
  return (
    <label class="pb-field">
      <span>{label}</span>
      <select name="service" required aria-invalid={invalid} value={value} onChange={(e) => onValue((e.target as HTMLSelectElement).value)}>
        <option value="">{pick}</option>
        {permitTypes.map((p) => (
          <option value={p.code} key={p.code}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The temperature as typed ("38,4" or "38.4"), or NaN. */
export function parseTemperature(typed: string): number {
  return /^\s*\d{2}([.,]\d)?\s*$/.test(typed) ? Number(typed.trim().replace(",", ".")) : NaN;
}

/** The door's health screening: the temperature measured and whether a mask is worn. Both start
 * empty, so that nobody passes without being measured (the form is not sent until both are given).
 * A text field, not type=number: a number field drops "38,4", the way Indonesians write it. */
export function ScreeningFields({ tempLabel, maskLabel, yes, no, hint, temp, onTemp, mask, onMask, tempInvalid }: { tempLabel: string; maskLabel: string; yes: string; no: string; hint: string; temp: string; onTemp: (v: string) => void; mask: boolean | undefined; onMask: (v: boolean) => void; tempInvalid?: true }) {
  return (
    <>
      <label class="pb-field">
        <span>{tempLabel}</span>
        <input
          name="temperature"
          type="text"
          inputMode="decimal"
          autocomplete="off"
          required
          pattern="\s*[0-9]{2}([.,][0-9])?\s*"
          title={hint}
          aria-invalid={tempInvalid}
          value={temp}
          onInput={(e) => onTemp((e.target as HTMLInputElement).value)}
        />
      </label>
      <fieldset class="pb-radios screening-mask">
        <legend>{maskLabel}</legend>
        <label>
          <input type="radio" name="mask" value="yes" required checked={mask === true} onChange={() => onMask(true)} /> {yes}
        </label>
        <label>
          <input type="radio" name="mask" value="no" checked={mask === false} onChange={() => onMask(false)} /> {no}
        </label>
      </fieldset>
    </>
  );
}

/** A table's column headings, in order. */
export function ColumnHeads({ labels }: { labels: string[] }) {
  return (
    <thead>
      <tr>
        {labels.map((l) => (
          <th scope="col" key={l}>
            {l}
          </th>
        ))}
      </tr>
    </thead>
  );
}
