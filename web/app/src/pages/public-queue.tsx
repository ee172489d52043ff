// My place in the queue: a ticket (e.g. P-002) -> the calls ahead and the estimated wait, live
// over WatchQueuePosition (server streaming), reconnecting by itself; when the ticket is called,
// the counter is announced (aria-live).
import { useEffect, useState } from "preact/hooks";
import type { QueuePosition } from "@gen/loket/v1/public_pb.js";
import { clients, codeOf, Code } from "../api";
import type { RouteProps } from "../router";
import { Field, PublicPage, Status, focusSoon, officeClock, officeOf, publicErrorText, publicHref, usePublicT, type Msg } from "./public-common";
import { publicQueueStrings } from "./public-queue.i18n";

type Conn = "idle" | "connecting" | "live" | "reconnecting" | "stopped" | "ended";
// A ticket in one of these states will not change again: nothing more to watch.
const FINAL_STATES = new Set(["done", "no_show"]);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

// As the ticket prints it (server/domain/queue.cc TicketLabel, "%c-%03d"): "w-2", "w2" and "W 002"
// are all W-002.
function normalTicket(s: string): string {
  // Any dash a phone or a copied example gives ("‑", "–") is the ticket's "-".
  const compact = s.trim().toUpperCase().replace(/\s+/g, "").replace(/[\u2010-\u2015\u2212]/g, "-");
  const m = /^([A-Z])-?(\d{1,3})$/.exec(compact);
  return m ? `${m[1]}-${m[2].padStart(3, "0")}` : compact;
}

export default function PublicQueue({ query }: RouteProps) {
  const t = usePublicT(publicQueueStrings);
  const office = officeOf(query);
  const [input, setInput] = useState(query.get("ticket") ?? "");
  const [ticket, setTicket] = useState(query.get("ticket") ? normalTicket(query.get("ticket")!) : "");
  const [fieldErr, setFieldErr] = useState("");
  const [msg, setMsg] = useState<Msg | null>(null);
  const [pos, setPos] = useState<QueuePosition | null>(null);
  const [conn, setConn] = useState<Conn>("idle");
  const [run, setRun] = useState(0);
  const day = query.get("day") ?? ""; // empty: loketd takes its own today

  useEffect(() => {
    if (!ticket) return;
    const ac = new AbortController();
    let failures = 0;
    (async () => {
      while (!ac.signal.aborted) {
        setConn(failures === 0 ? "connecting" : "reconnecting");
        try {
          let last = "";
          for await (const p of clients.public.watchQueuePosition({ officeId: office, ticket, day }, { signal: ac.signal })) {
            failures = 0;
            setConn("live");
            setMsg(null);
            setPos(p);
            last = p.state;
          }
          if (FINAL_STATES.has(last)) {
            setConn("ended");
            return;
          }
        } catch (err) {
          if (ac.signal.aborted) return;
          const c = codeOf(err);
          if (c === Code.NotFound || c === Code.InvalidArgument) {
            setPos(null);
            setConn("stopped");
            setMsg({ kind: "bad", text: c === Code.NotFound ? t("pub.queue.notFound", { ticket }) : publicErrorText(err, t) });
            return;
          }
          if (c === Code.ResourceExhausted) setMsg({ kind: "warn", text: publicErrorText(err, t) });
        }
        if (ac.signal.aborted) return;
        failures += 1;
        setConn("reconnecting");
        await sleep(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)), ac.signal);
      }
    })();
    return () => ac.abort();
  }, [ticket, office, day, run]);

  function submit(e: Event) {
    e.preventDefault();
    const tk = normalTicket(input);
    if (!/^[A-Z]{1,3}-?\d{1,4}$/.test(tk)) {
      setFieldErr(t("pub.queue.v.ticket"));
      setMsg({ kind: "bad", text: t("pub.queue.v.ticket") });
      focusSoon("ticket");
      return;
    }
    setFieldErr("");
    setMsg(null);
    setPos(null);
    history.replaceState(null, "", publicHref("/queue", office, { ticket: tk }));
    setTicket(tk);
    setRun((n) => n + 1);
  }

  const called = pos && (pos.state === "called" || pos.state === "serving");
  return (
    <PublicPage title={t("pub.queue.title")} office={office}>
      <p>{t("pub.queue.intro")}</p>
      <form onSubmit={submit} noValidate>
        <Field id="ticket" label={t("pub.queue.ticket")} hint={t("pub.queue.ticketHint")} error={fieldErr}>
          {(a) => (
            <input {...a} type="text" autoComplete="off" autoCapitalize="characters" spellcheck={false} class="short-input" value={input} onInput={(e) => setInput(e.currentTarget.value)} />
          )}
        </Field>
        <div class="form-actions">
          <button type="submit">{t("pub.queue.submit")}</button>
        </div>
      </form>
      <Status msg={msg} />

      {/* Only the call itself is announced at once; the position updates politely below. */}
      <div class="call-announce" role="alert" aria-live="assertive" data-testid="queue-call">
        {called && pos && (
          <p class="notice ok big">
            {pos.state === "called" ? t("pub.queue.called", { ticket: pos.ticket, counter: pos.counter || "—" }) : t("pub.queue.serving", { ticket: pos.ticket, counter: pos.counter || "—" })}
          </p>
        )}
      </div>

      {ticket && conn !== "stopped" && (
        <section class="queue-pos" aria-labelledby="queue-pos-title" data-testid="queue-position" data-state={pos?.state ?? ""}>
          <h2 id="queue-pos-title">{t("pub.queue.yourTicket", { ticket })}</h2>
          <p class={`conn conn-${conn}`} role="status" aria-live="polite">
            {conn === "ended"
              ? t("pub.queue.ended")
              : conn === "live"
                ? t("pub.queue.live", { time: pos?.updatedAt ? officeClock(pos.updatedAt) : "" })
                : conn === "reconnecting"
                  ? t("pub.queue.reconnecting")
                  : t("pub.queue.connecting")}
          </p>
          {pos && (
            <div aria-live="polite" aria-atomic="true">
              <dl class="facts queue-facts">
                <dt>{t("pub.queue.state")}</dt>
                <dd data-testid="queue-state">{t(`pub.qstate.${pos.state}`)}</dd>
                {pos.state === "waiting" && (
                  <>
                    <dt>{t("pub.queue.ahead")}</dt>
                    <dd data-testid="queue-ahead">{pos.callsAhead === 0 ? t("pub.queue.aheadNone") : t("pub.queue.aheadN", { n: pos.callsAhead })}</dd>
                    <dt>{t("pub.queue.wait")}</dt>
                    <dd data-testid="queue-wait">{pos.estimatedWaitMinutes < 0
                        ? t("pub.queue.waitUnknown")
                        : pos.estimatedWaitMinutes === 0
                          ? t("pub.queue.waitSoon") // never "sekitar 0 menit"
                          : t("pub.queue.waitN", { n: pos.estimatedWaitMinutes })}</dd>
                  </>
                )}
                {pos.counter && (
                  <>
                    <dt>{t("pub.queue.counter")}</dt>
                    <dd>{pos.counter}</dd>
                  </>
                )}
              </dl>
            </div>
          )}
          {conn !== "ended" && <p class="hint">{t("pub.queue.keepOpen")}</p>}
        </section>
      )}
    </PublicPage>
  );
}
