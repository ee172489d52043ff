// A list read page by page for one set of filters, shared by the desk's worklist, the desk's search
// and the clinic's cases.
import { useRef, useState } from "preact/hooks";

/** One page as the list RPCs answer it: the items and the token of the next page ("" at the end). */
export type PageOf<T> = [items: T[], nextPageToken: string];

/**
 * `load("")` reads the first page, `load(next)` appends the next one. Only the latest load
 * counts: an answer that comes back after another load began (new filters, a refresh, the next
 * page) or after `clear()` is dropped, and `load` then resolves false and never throws. Errors of
 * the latest load are thrown for the page to explain. `busy` holds while the latest load runs.
 * Pages call `clear()` when their filters change.
 */
export function usePagedList<T>(read: (pageToken: string) => Promise<PageOf<T>>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState("");
  const [busy, setBusy] = useState(false);
  const latest = useRef(0);

  async function load(pageToken = ""): Promise<boolean> {
    const mine = ++latest.current;
    setBusy(true);
    try {
      const [page, token] = await read(pageToken);
      if (latest.current !== mine) return false;
      setItems((prev) => (pageToken && prev ? [...prev, ...page] : page));
      setNext(token);
      return true;
    } catch (err) {
      if (latest.current !== mine) return false;
      throw err;
    } finally {
      if (latest.current === mine) setBusy(false);
    }
  }

  /** Forgets the list and any load under way: the page says "loading" instead of showing the old
   * filters' answer. */
  function clear() {
    ++latest.current;
    setItems(null);
    setNext("");
    setBusy(false);
  }

  return { items, next, busy, load, clear };
}
