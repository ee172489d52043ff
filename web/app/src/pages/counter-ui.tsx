// Small pieces the PAGES-B pages share: the status line every page announces its results in, a
// table's column headings, and the service (permit type) a walk-in comes for.
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
