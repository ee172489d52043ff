// Typed Connect clients for every loket.v1 service the browser may use, over loket-web at this
// page's own origin (binary protobuf). The session cookie travels by itself; script never sees it.
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { CaseService } from "@gen/loket/v1/case_pb.js";
import { QueueService } from "@gen/loket/v1/queue_pb.js";
import { CourierService } from "@gen/loket/v1/courier_pb.js";
import { AppointmentService } from "@gen/loket/v1/appointment_pb.js";
import { AdminService } from "@gen/loket/v1/admin_pb.js";
import { CatalogService } from "@gen/loket/v1/catalog_pb.js";
import { SessionService } from "@gen/loket/v1/session_pb.js";
import { TaskAdminService } from "@gen/loket/v1/task_pb.js";
import { PublicService } from "@gen/loket/v1/public_pb.js";
import { ReportService } from "@gen/loket/v1/report_pb.js";
import { serverText, serverWords } from "./server-text";

type UnauthHandler = (method: string) => void;
let onUnauthenticated: UnauthHandler | undefined;
/** session.ts registers this: an expired session anywhere sends the user back to sign-in. */
export function setUnauthenticatedHandler(h: UnauthHandler | undefined): void {
  onUnauthenticated = h;
}

const watchSession: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (e) {
    const err = ConnectError.from(e);
    const name = req.method.name;
    if (err.code === Code.Unauthenticated && name !== "SignIn" && name !== "VerifyPermit") {
      onUnauthenticated?.(name);
    }
    throw e;
  }
};

export const transport = createConnectTransport({
  baseUrl: location.origin,
  useBinaryFormat: true,
  interceptors: [watchSession],
});

export const clients = {
  case: createClient(CaseService, transport),
  queue: createClient(QueueService, transport),
  courier: createClient(CourierService, transport),
  appointment: createClient(AppointmentService, transport),
  admin: createClient(AdminService, transport),
  catalog: createClient(CatalogService, transport),
  session: createClient(SessionService, transport),
  taskAdmin: createClient(TaskAdminService, transport),
  report: createClient(ReportService, transport),
  /** The public self-service pages (no sign-in): booking, visits, tracking, the queue. */
  public: createClient(PublicService, transport),
};

/** A fresh idempotency key: made when the user presses the button, reused on every retry. */
export function newRequestId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") {
    return crypto.randomUUID();
  }
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

type T = (key: string, vars?: Record<string, string | number>) => string;

/** The server's own words (without Connect's "[code]" prefix). */
export function rawMessage(err: unknown): string {
  if (err instanceof ConnectError) return err.rawMessage;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function codeOf(err: unknown): Code | undefined {
  if (err instanceof ConnectError) return err.code;
  return undefined;
}

/** Seconds to wait that a RESOURCE_EXHAUSTED answer names ("retry in 42s", "retry after 900
 * seconds", or a retry-after header), if any. */
export function retryAfterSeconds(err: unknown): number | undefined {
  if (!(err instanceof ConnectError)) return undefined;
  const h = err.metadata.get("retry-after");
  if (h && /^\d+$/.test(h.trim())) return Number(h.trim());
  const m = /(\d+)\s*(s\b|sec|second|detik)/i.exec(err.rawMessage);
  if (m) return Number(m[1]);
  const mm = /(\d+)\s*(m\b|min|minute|menit)/i.exec(err.rawMessage);
  if (mm) return Number(mm[1]) * 60;
  return undefined;
}

/** loketd refused the call because it is full, not because this caller tried too often: loket-web
 * relays the wait loketd asks for as retry-after only then (web/server/proxy.ts). */
export function isBusy(err: unknown): boolean {
  return err instanceof ConnectError && err.code === Code.ResourceExhausted && err.metadata.has("retry-after");
}

/** A sentence for a person, in their language, for any failed call. */
export function errorText(err: unknown, t: T): string {
  if (!(err instanceof ConnectError)) {
    if (err instanceof TypeError || (typeof navigator !== "undefined" && !navigator.onLine)) {
      return t("err.offline");
    }
    return t("err.unknown", { msg: rawMessage(err) });
  }
  const msg = err.rawMessage;
  switch (err.code) {
    case Code.Unauthenticated:
      return t("err.unauthenticated");
    case Code.PermissionDenied:
      return t("err.permission", { msg });
    case Code.NotFound:
      return t("err.notFound");
    case Code.Aborted:
      return t("err.conflict");
    case Code.FailedPrecondition:
      return t("err.precondition", { msg: serverText(msg, t) });
    case Code.InvalidArgument: {
      // A problem the page words itself ("Foto bukti: rusak di perjalanan ke server …") says what
      // to do; "Data tidak valid:" before it would blame the person for what may be the line.
      const words = serverWords(msg, t);
      return words.worded ? words.text : t("err.invalid", { msg: words.text });
    }
    case Code.AlreadyExists:
      return t("err.exists", { msg });
    case Code.ResourceExhausted: {
      const s = retryAfterSeconds(err);
      if (isBusy(err) && s !== undefined) return t("err.busyFor", { seconds: s });
      return s !== undefined ? t("err.throttledFor", { seconds: s }) : t("err.throttled", { msg });
    }
    case Code.Unavailable:
    case Code.Unknown:
    case Code.Canceled:
    case Code.DeadlineExceeded:
      return t("err.unavailable");
    default:
      return t("err.unknown", { msg });
  }
}

/** The field an INVALID_ARGUMENT answer names: "applicant.nik: must be 16 digits" -> "applicant.nik". */
export function fieldOf(err: unknown): string | undefined {
  if (!(err instanceof ConnectError) || err.code !== Code.InvalidArgument) return undefined;
  // "pickup.after/before: ..." names two fields; the first one gets the message.
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)\s*:/.exec(err.rawMessage);
  if (!m) return undefined;
  const path = m[1];
  const slash = path.indexOf("/");
  if (slash < 0) return path;
  const first = path.slice(0, slash);
  return first;
}

/** The message of an INVALID_ARGUMENT answer without its field prefix ("nik: ..." -> "..."). */
export function messageAfterField(err: unknown): string {
  return rawMessage(err).replace(/^\s*[A-Za-z_][\w.[\]/]*\s*:\s*/, "");
}

/** True when the failure is the network, not the server's answer: worth queueing and retrying. */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof ConnectError) {
    return err.code === Code.Unavailable || (err.code === Code.Unknown && /fetch|network/i.test(err.rawMessage));
  }
  return err instanceof TypeError;
}

export { Code, ConnectError };
