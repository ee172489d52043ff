// The waiting-room board (/#/board, a TV signed in with role display): live from
// QueueService.WatchQueue; now serving per counter, the next numbers, waiting counts; each call
// chimes and is spoken in Indonesian. While the stream is down it says it is reconnecting and
// hides the numbers rather than show stale ones.
import { useEffect, useRef, useState } from "preact/hooks";
import type { QueueBoard, QueueEvent } from "@gen/loket/v1/queue_pb.js";
import { clients } from "../api";
import { useT, translate } from "../i18n";
import { Page } from "../layout";
import { useQueueWatch, shortCounterName } from "./board-stream";
import { chime, speak, soundReady, spokenCounter, unlock } from "./board-sound";
import { officeClock } from "./counter-actions";
import { boardCatalog } from "./board.i18n";
import "./board.css";

type Call = { label: string; counterId: string; counterName: string; text: string; at: number };

export default function BoardPage() {
  const t = useT(boardCatalog);
  const [last, setLast] = useState<Call | undefined>(undefined);
  const [soundOk, setSoundOk] = useState(soundReady());
  const [now, setNow] = useState(new Date());
  const timers = useRef<number[]>([]);

  const announce = (ev: QueueEvent, board: QueueBoard | undefined) => {
    if (ev.kind !== "called" && ev.kind !== "recalled") return;
    const c = board?.counters.find((x) => x.id === ev.counterId);
    const short = shortCounterName(c?.name ?? "", ev.counterId);
    const text = translate("id", [boardCatalog], "board.announce", { label: ev.label, counter: spokenCounter(short) });
    setLast({ label: ev.label, counterId: ev.counterId, counterName: short, text, at: Date.now() });
    const wait = chime();
    timers.current.push(window.setTimeout(() => speak(text), wait));
  };
  const watch = useQueueWatch(announce);
  const live = watch.state === "live" && watch.board !== undefined;
  const board = watch.board;
  // A call from before an outage is not the last one the room should read once the board is
  // back (calls made meanwhile were never heard): the bar waits for the next call.
  useEffect(() => {
    if (!live) setLast(undefined);
  }, [live]);

  // A stream open all night is not "use": a cheap call every 10 minutes keeps the display's
  // session inside its idle limit, so a reconnect in the morning is still signed in.
  useEffect(() => {
    const id = setInterval(() => {
      clients.admin.whoAmI({}).catch(() => undefined);
    }, 10 * 60 * 1000);
    return () => clearInterval(id);
  }, []);

  useEffect(() => {
    const id = setInterval(() => {
      setNow(new Date());
      setSoundOk(soundReady());
    }, 5000);
    return () => {
      clearInterval(id);
      for (const x of timers.current) clearTimeout(x);
    };
  }, []);

  const recent = last && Date.now() - last.at < 15000 ? last.counterId : "";
  const stateText =
    watch.state === "live"
      ? t("board.live")
      : watch.state === "connecting"
        ? t("board.connecting")
        : watch.state === "signedOut"
          ? t("board.signedOut")
          : watch.state === "forbidden"
            ? t("board.forbidden")
            : t("board.reconnecting");

  return (
    <Page title={t("board.title")} bare class="board-main">
      <div
        id="board"
        class={`board ${live ? "board--live" : "board--down"}`}
        data-state={watch.state}
        data-last-call={last ? `${last.label}|${last.counterId}` : ""}
        data-seq={board ? String(board.seq) : ""}
      >
        <div class="board-top">
          <p class="board-office">{t("app.office")}</p>
          <p class="board-clock">{officeClock(now.toISOString())} WITA</p>
          <p class={`board-conn board-conn--${watch.state}`} role="status">
            {stateText}
            {watch.state === "signedOut" ? (
              <>
                {" "}
                <a href="#/signin?next=%2Fboard">{t("board.signIn")}</a>
              </>
            ) : null}
          </p>
          {!soundOk ? (
            <button
              type="button"
              class="board-sound secondary"
              onClick={async () => {
                await unlock();
                setSoundOk(soundReady());
              }}
            >
              {t("board.enableSound")}
            </button>
          ) : null}
        </div>

        {!live ? (
          <div class="board-down">
            <p class="board-down__big">{watch.state === "connecting" ? t("board.connecting") : stateText}</p>
            {watch.state === "reconnecting" ? <p>{t("board.reconnectingHint")}</p> : null}
          </div>
        ) : (
          <div class="board-body">
            <section class="board-serving" aria-labelledby="board-serving-h">
              <h2 id="board-serving-h">{t("board.serving")}</h2>
              <ul class="board-counters">
                {board!.counters.map((c) => (
                  <li key={c.id} class={`board-counter${c.id === recent ? " board-counter--new" : ""}${c.open ? "" : " board-counter--closed"}`} data-counter={c.id}>
                    <span class="board-counter__name">{shortCounterName(c.name, c.id)}</span>
                    <span class="board-counter__ticket" data-ticket={c.serving?.label ?? ""}>
                      {c.open ? (c.serving ? c.serving.label : t("board.idle")) : t("board.closed")}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
            <aside class="board-side">
              <section aria-labelledby="board-next-h">
                <h2 id="board-next-h">{t("board.next")}</h2>
                {board!.next.length ? (
                  <ol class="board-next">
                    {board!.next.slice(0, 8).map((n) => (
                      <li key={String(n.id)}>{n.label}</li>
                    ))}
                  </ol>
                ) : (
                  <p class="board-none">{t("board.nextNone")}</p>
                )}
              </section>
              <section aria-labelledby="board-waiting-h">
                <h2 id="board-waiting-h">{t("board.waiting")}</h2>
                <dl class="board-waiting">
                  <div>
                    <dt>{t("board.lane.PRIORITY")}</dt>
                    <dd>{board!.waitingPriority}</dd>
                  </div>
                  <div>
                    <dt>{t("board.lane.APPOINTMENT")}</dt>
                    <dd>{board!.waitingAppointment}</dd>
                  </div>
                  <div>
                    <dt>{t("board.lane.WALK_IN")}</dt>
                    <dd>{board!.waitingWalkIn}</dd>
                  </div>
                </dl>
                {board!.meanServiceMinutes > 0 ? <p class="board-mean">{t("board.mean", { n: board!.meanServiceMinutes })}</p> : null}
              </section>
            </aside>
          </div>
        )}

        {/* Hidden with the numbers while the board is not live: a last call shown then may be
            stale, and the room would read it as current. */}
        {live ? (
          <div class="board-last">
            <span class="board-last__caption">{t("board.lastCall")}</span>
            <p class="board-last__text" aria-live="assertive" aria-atomic="true" lang="id" data-spoken={last?.text ?? ""}>
              {last?.text ?? ""}
            </p>
          </div>
        ) : null}
      </div>
    </Page>
  );
}
