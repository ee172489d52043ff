// Small pieces the PAGES-B pages share: the status line every page announces its results in.
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
