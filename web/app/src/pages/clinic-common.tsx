// Shared by the clinic pages: navigation, the outbox panel, file checks.
import { byteSize, formatDateTime } from "../i18n";
import { errorText } from "../api";
import { flush, refusalOf, removeEntry, useOnline, useOutbox, type OutEntry } from "../outbox";

type T = (key: string, vars?: Record<string, string | number>) => string;

export function clinicNav(t: T) {
  return [
    { href: "#/clinic", label: t("clinic.nav.cases") },
    { href: "#/clinic/new", label: t("clinic.nav.new") },
    { href: "#/clinic/book", label: t("clinic.nav.book") },
  ];
}

export const MAX_BYTES = 5 * 1024 * 1024;
const TYPES: Record<string, string> = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };

/** The media type from the file's first bytes (what loketd will check), else from its name. */
export function sniffType(bytes: Uint8Array, name: string, declared: string): string | null {
  if (bytes.length >= 4 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46) return "application/pdf";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  const ext = name.toLowerCase().split(".").pop() ?? "";
  if (declared && Object.values(TYPES).includes(declared)) return declared;
  return TYPES[ext] ?? null;
}

/** Checks a chosen file in the browser before anything is sent: size first, then type. */
export async function checkFile(f: File, t: T): Promise<{ bytes: Uint8Array; mediaType: string } | { error: string }> {
  if (f.size > MAX_BYTES) return { error: t("file.tooBig", { size: byteSize(f.size) }) };
  if (f.size === 0) return { error: t("file.empty") };
  const bytes = new Uint8Array(await f.arrayBuffer());
  const mediaType = sniffType(bytes, f.name, f.type);
  if (!mediaType) return { error: t("file.badType", { type: f.type || f.name.split(".").pop() || "?" }) };
  return { bytes, mediaType };
}

function entryError(e: OutEntry, t: T): string {
  if (e.errorCode === undefined) return "";
  return errorText(refusalOf(e), t);
}

function EntryLine({ e, t }: { e: OutEntry; t: T }) {
  const docsTotal = e.docs.length;
  const docsDone = e.docs.filter((d) => d.done).length;
  return (
    <li class="card" data-outbox-id={e.id} data-outbox-status={e.status}>
      <div class="spread">
        <strong>
          {t("outbox.kind." + e.kind)}: {e.label}
        </strong>
        <span class={e.status === "failed" ? "badge s-REJECTED" : e.status === "sent" ? "badge s-ISSUED" : "badge s-REVISION_REQUESTED"}>
          {t("outbox.status." + e.status)}
        </span>
      </div>
      <div class="muted">
        {t("outbox.created", { time: formatDateTime(e.createdAt) })}
        {e.sentAt ? ` · ${t("outbox.sentAt", { time: formatDateTime(e.sentAt) })}` : ""}
        {docsTotal > 0 ? ` · ${t("outbox.docs", { done: docsDone, total: docsTotal })}` : ""}
      </div>
      {e.caseId && (
        <div>
          <a href={`#/clinic/case/${e.caseId}`}>{t("outbox.case", { id: e.caseId })}</a>
        </div>
      )}
      {e.status === "failed" && <p class="field-error">{t("outbox.error", { msg: entryError(e, t) })}</p>}
      {(e.status === "failed" || e.status === "waiting") && (
        <div class="row">
          {e.status === "waiting" && (
            <button type="button" class="small secondary" onClick={() => void flush().catch(() => undefined)}>
              {t("outbox.sendNow")}
            </button>
          )}
          <button
            type="button"
            class="small secondary"
            onClick={() => {
              if (e.status === "sent" || confirm(t("outbox.confirmDiscard"))) void removeEntry(e.id);
            }}
          >
            {t("outbox.discard")}
          </button>
        </div>
      )}
    </li>
  );
}

/** What waits on this device and what went out: said plainly, updated live. */
export function OutboxPanel({ t, showSent = true }: { t: T; showSent?: boolean }) {
  const entries = useOutbox();
  const online = useOnline();
  const waiting = entries.filter((e) => e.status === "waiting" || e.status === "sending");
  const failed = entries.filter((e) => e.status === "failed");
  const sent = entries.filter((e) => e.status === "sent").reverse();
  return (
    <section aria-labelledby="outbox-title" class="outbox" data-testid="outbox">
      {!online && (
        <p class="notice warn" role="status">
          {t("clinic.offline")}
        </p>
      )}
      <h2 id="outbox-title">{t("outbox.title")}</h2>
      <div role="status" aria-live="polite" aria-atomic="false">
        <h3 data-testid="outbox-waiting-count" data-count={waiting.length}>
          {waiting.length ? t("outbox.waiting", { n: waiting.length }) : t("outbox.noneWaiting")}
        </h3>
        {waiting.length > 0 && (
          <ul class="cards">
            {waiting.map((e) => (
              <EntryLine key={e.id} e={e} t={t} />
            ))}
          </ul>
        )}
        {failed.length > 0 && (
          <>
            <h3>{t("outbox.failed", { n: failed.length })}</h3>
            <ul class="cards">
              {failed.map((e) => (
                <EntryLine key={e.id} e={e} t={t} />
              ))}
            </ul>
          </>
        )}
        {showSent && sent.length > 0 && (
          <>
            <h3 data-testid="outbox-sent-count" data-count={sent.length}>
              {t("outbox.sent", { n: sent.length })}
            </h3>
            <ul class="cards">
              {sent.slice(0, 10).map((e) => (
                <EntryLine key={e.id} e={e} t={t} />
              ))}
            </ul>
            <button
              type="button"
              class="small secondary"
              onClick={() => {
                for (const e of sent) void removeEntry(e.id);
              }}
            >
              {t("outbox.clearSent")}
            </button>
          </>
        )}
      </div>
    </section>
  );
}
