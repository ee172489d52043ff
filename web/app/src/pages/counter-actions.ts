// Shared by the counter, kiosk, courier, board and admin pages: one status line per page and a
// request_id per button press that is reused when the same action is retried after a network
// failure (so a press that reached loketd before the line dropped is not done twice).
import { useRef, useState } from "preact/hooks";
import { errorText, fieldOf, isNetworkError, newRequestId } from "../api";

type T = (key: string, vars?: Record<string, string | number>) => string;

export type Status = { kind: "ok" | "error" | "info"; text: string } | null;

/** request ids per action key: kept after a network error, dropped after any answer. */
export class RequestIds {
  private pending = new Map<string, string>();
  take(key: string): string {
    let id = this.pending.get(key);
    if (!id) {
      id = newRequestId();
      this.pending.set(key, id);
    }
    return id;
  }
  settle(key: string, err?: unknown): void {
    if (err !== undefined && isNetworkError(err)) return; // retried with the same id
    this.pending.delete(key);
  }
}

export type Actions = {
  busy: string | null;
  status: Status;
  field: string | undefined;
  setStatus: (s: Status) => void;
  /** Runs fn with the request id for `key` (same key + same payload = same action). */
  run: <R>(key: string, fn: (requestId: string) => Promise<R>, ok?: (r: R) => string | undefined) => Promise<R | undefined>;
};

export function useActions(t: T): Actions {
  const ids = useRef(new RequestIds());
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [field, setField] = useState<string | undefined>(undefined);
  const run: Actions["run"] = async (key, fn, ok) => {
    setBusy(key);
    setField(undefined);
    try {
      const r = await fn(ids.current.take(key));
      ids.current.settle(key);
      const msg = ok?.(r);
      setStatus(msg ? { kind: "ok", text: msg } : null);
      return r;
    } catch (e) {
      ids.current.settle(key, e);
      setField(fieldOf(e));
      setStatus({ kind: "error", text: errorText(e, t) });
      return undefined;
    } finally {
      setBusy(null);
    }
  };
  return { busy, status, field, setStatus, run };
}

export { officeToday, officeClock } from "../i18n"; // the pages that take their helpers from here

/** True when a key press comes from a place where the person is typing. */
export function typingTarget(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return true;
  return el.isContentEditable;
}
