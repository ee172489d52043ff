// A list read page by page for one set of filters, shared by the desk's worklist, the desk's search
// and the clinic's cases.
import { useRef, useState } from "preact/hooks";

/** One page as the list RPCs answer it: the items and the token of the next page ("" at the end). */
export type PageOf<T> = [items: T[], nextPageToken: string];

/**
 * `key` names the filters shown now (the address's query). `load("")` reads the first page,
 * `load(next)` appends the next one. An answer that comes back after the filters changed (a slow
 * list, a refresh under way) is dropped: `load` then resolves false and never throws. Errors for
 * the filters shown are thrown for the page to explain.
 */
export function usePagedList<T>(key: string, read: (pageToken: string) => Promise<PageOf<T>>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState("");
  const [busy, setBusy] = useState(false);
  const shown = useRef(key);
  shown.current = key;

  async function load(pageToken = ""): Promise<boolean> {
    const asked = key;
    setBusy(true);
    try {
      const [page, token] = await read(pageToken);
      if (shown.current !== asked) return false;
      setItems((prev) => (pageToken && prev ? [...prev, ...page] : page));
      setNext(token);
      return true;
    } catch (err) {
      if (shown.current !== asked) return false;
      throw err;
    } finally {
      setBusy(false);
    }
  }

  /** Forgets the list: the page says "loading" instead of showing the old filters' answer. */
  function clear() {
    setItems(null);
    setNext("");
  }

  return { items, next, busy, load, clear };
}
