// QueueService.WatchQueue kept open: the first message is a snapshot board, then events (the
// last of each batch with a fresh board). When the stream breaks (loketd or loket-web restarted,
// the network dropped) it reconnects by itself with exponential back-off (1 s doubling to 15 s,
// jittered), at once when the browser comes back online. Used by the board and the counter.
import { useEffect, useRef, useState } from "preact/hooks";
import type { QueueBoard, QueueEvent } from "@gen/loket/v1/queue_pb.js";
import { clients, Code, ConnectError } from "../api";

export type WatchState = "connecting" | "live" | "reconnecting" | "signedOut" | "forbidden";

export type Watch = { board: QueueBoard | undefined; state: WatchState; retryInMs: number };

function sleep(ms: number, wake: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const id = setTimeout(done, ms);
    function done() {
      clearTimeout(id);
      wake.removeEventListener("abort", done);
      resolve();
    }
    wake.addEventListener("abort", done);
  });
}

export function useQueueWatch(onEvent?: (ev: QueueEvent, board: QueueBoard | undefined) => void): Watch {
  const [board, setBoard] = useState<QueueBoard | undefined>(undefined);
  const [state, setState] = useState<WatchState>("connecting");
  const [retryInMs, setRetry] = useState(0);
  const cb = useRef(onEvent);
  cb.current = onEvent;

  useEffect(() => {
    let stopped = false;
    const stop = new AbortController();
    let wake = new AbortController();
    const onOnline = () => wake.abort();
    window.addEventListener("online", onOnline);
    let delay = 1000;
    let last: QueueBoard | undefined;
    (async () => {
      while (!stopped) {
        const call = new AbortController();
        const abortCall = () => call.abort();
        stop.signal.addEventListener("abort", abortCall);
        let failure: ConnectError | undefined;
        try {
          for await (const u of clients.queue.watchQueue({}, { signal: call.signal })) {
            if (stopped) break;
            if (u.board) {
              last = u.board;
              setBoard(u.board);
              setState("live");
              delay = 1000;
            }
            if (u.event) cb.current?.(u.event, last);
          }
        } catch (e) {
          failure = ConnectError.from(e);
        } finally {
          stop.signal.removeEventListener("abort", abortCall);
        }
        if (stopped) return;
        let wait = delay + Math.floor(Math.random() * 400);
        if (failure?.code === Code.Unauthenticated) {
          setState("signedOut");
          wait = 30000;
        } else if (failure?.code === Code.PermissionDenied) {
          setState("forbidden");
          wait = 30000;
        } else {
          setState("reconnecting");
          delay = Math.min(delay * 2, 15000);
        }
        setRetry(wait);
        wake = new AbortController();
        await sleep(wait, wake.signal);
      }
    })();
    return () => {
      stopped = true;
      stop.abort();
      wake.abort();
      window.removeEventListener("online", onOnline);
    };
  }, []);

  return { board, state, retryInMs };
}

/** "Loket 4 (prioritas, duduk)" -> "loket 4": how the counter is spoken and shown big. */
export function shortCounterName(name: string, id: string): string {
  const n = (name || id).replace(/\s*\(.*\)\s*$/, "").trim();
  return n || id;
}
