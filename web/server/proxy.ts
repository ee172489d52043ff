// Forwards every loket.v1 service, generically from the generated descriptors, to loketd over gRPC.
//
// Nothing here knows a message: each method of each service in gen/loket/v1 is registered on the
// Connect router with a handler that sends the decoded request upstream with the caller's bearer
// token and returns (or streams) loketd's answer. Errors come back with loketd's code and message
// unchanged. Two things are special, both about the cookie: SessionService.SignIn moves the session
// token from the response into the cookie, and SessionService.SignOut clears the cookie.
// TaskService (the workers' queue) is never registered: browsers cannot reach it.
import { readdir } from "node:fs/promises";
import type { DescMethodServerStreaming, DescMethodUnary, DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextKey,
  type ConnectRouter,
  type HandlerContext,
  type Transport,
} from "@connectrpc/connect";
import { clearSessionCookies, hasSignedInCookie, secondsUntil, sessionToken, setSessionCookies } from "./session.js";

const NOT_FORWARDED = new Set(["loket.v1.TaskService"]);

// What loket-web knows about one request: filled in before the handler runs, read by the log line.
export interface RequestInfo {
  clientAddr: string;
  code?: string; // the Connect code of a failed call, for the log
}
export const requestInfo = createContextKey<RequestInfo>({ clientAddr: "" }, {
  description: "loket-web request",
});

export interface ForwardOptions {
  upstream: Transport;
  edgeKey: string; // sent as x-loket-edge-key; loketd believes x-loket-client-addr only with it
  secureCookies: boolean;
  unaryTimeoutMs: number; // deadline of a unary call to loketd when the browser set none
}

// Every service descriptor in the generated loket/v1 files (dist/gen/loket/v1/*_pb.js).
export async function loketServices(): Promise<DescService[]> {
  const dir = new URL("../gen/loket/v1/", import.meta.url);
  const services = new Map<string, DescService>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith("_pb.js")).sort()) {
    const mod = (await import(new URL(file, dir).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      const desc = value as Partial<DescService> | null;
      if (desc && typeof desc === "object" && desc.kind === "service" && desc.typeName) {
        services.set(desc.typeName, desc as DescService);
      }
    }
  }
  return [...services.values()];
}

export function forwardedServices(all: DescService[]): DescService[] {
  return all.filter((s) => s.typeName.startsWith("loket.v1.") && !NOT_FORWARDED.has(s.typeName));
}

export function registerForwarding(router: ConnectRouter, services: DescService[], opt: ForwardOptions) {
  for (const service of services) {
    for (const method of service.methods) {
      switch (method.methodKind) {
        case "unary":
          router.rpc(method, unaryHandler(method as DescMethodUnary, opt) as never);
          break;
        case "server_streaming":
          router.rpc(method, streamHandler(method as DescMethodServerStreaming, opt) as never);
          break;
        default:
          // Browsers cannot send client streams; Loket has none.
          throw new Error(`loket-web: ${service.typeName}.${method.name} is ${method.methodKind}`);
      }
    }
  }
}

function upstreamHeader(ctx: HandlerContext, opt: ForwardOptions): { header: Headers; cookie: boolean } {
  const header = new Headers();
  const cookies = ctx.requestHeader.get("cookie") ?? undefined;
  const token = sessionToken(cookies);
  if (token) {
    header.set("authorization", `Bearer ${token}`);
  } else {
    // A machine (or the benchmark) may bring its own API token; a page never can across origins.
    const auth = ctx.requestHeader.get("authorization");
    if (auth && /^Bearer [A-Za-z0-9_-]{16,256}$/.test(auth)) header.set("authorization", auth);
  }
  // The desk or counter the page runs at, as the CLI sends it.
  const terminal = ctx.requestHeader.get("x-loket-terminal");
  if (terminal && /^[\x21-\x7e][\x20-\x7e]{0,63}$/.test(terminal)) header.set("x-loket-terminal", terminal);
  if (opt.edgeKey) header.set("x-loket-edge-key", opt.edgeKey);
  const addr = ctx.values.get(requestInfo).clientAddr;
  if (addr) header.set("x-loket-client-addr", addr);
  // `cookie`: the answer may clear the cookies; a companion left without its session counts too,
  // or every page would go on asking WhoAmI for a 401.
  return { header, cookie: token !== undefined || hasSignedInCookie(cookies) };
}

const HIDDEN_MESSAGES = new Map<Code, string>([
  [Code.Internal, "internal error"],
  [Code.Unknown, "internal error"],
  [Code.DataLoss, "internal error"],
  [Code.Unavailable, "service unavailable"],
]);

// loketd's error as the browser gets it: same code, message and details; none of the upstream's
// transport headers but one. A session loketd no longer accepts also loses its cookie.
function relayError(err: unknown, ctx: HandlerContext, opt: ForwardOptions, cookie: boolean): ConnectError {
  const e = ConnectError.from(err);
  ctx.values.get(requestInfo).code = Code[e.code];
  if (e.code === Code.Unauthenticated && cookie) {
    setCookies(ctx, clearSessionCookies(opt.secureCookies));
  }
  // What went wrong inside loketd or on the way to it (database text, loketd's address) is not
  // the caller's to read; loketd's log has it. Every other answer is loketd's own wording.
  const out = new ConnectError(HIDDEN_MESSAGES.get(e.code) ?? e.rawMessage, e.code);
  if (!HIDDEN_MESSAGES.has(e.code)) out.details = e.details;
  const seconds = busyRetrySeconds(e);
  if (seconds !== undefined) out.metadata.set("retry-after", String(seconds));
  return out;
}

// A loketd that is full refuses with the wait it asks for (grpc-retry-pushback-ms); a throttle of
// one caller asks for none. The browser gets the wait as retry-after in whole seconds, and the pages
// tell "busy, try again in N s" from "too many attempts" by it (app/src/api.ts, isBusy).
function busyRetrySeconds(e: ConnectError): number | undefined {
  if (e.code !== Code.ResourceExhausted) return undefined;
  const ms = e.metadata.get("grpc-retry-pushback-ms")?.trim();
  if (!ms || !/^\d{1,9}$/.test(ms)) return undefined;
  return Math.max(1, Math.ceil(Number(ms) / 1000));
}

function setCookies(ctx: HandlerContext, cookies: string[]) {
  for (const c of cookies) ctx.responseHeader.append("set-cookie", c);
}

function timeoutOf(ctx: HandlerContext, opt: ForwardOptions): number {
  return ctx.timeoutMs() ?? opt.unaryTimeoutMs;
}

function unaryHandler(method: DescMethodUnary, opt: ForwardOptions) {
  const isSignIn = method.parent.typeName === "loket.v1.SessionService" && method.name === "SignIn";
  const isSignOut = method.parent.typeName === "loket.v1.SessionService" && method.name === "SignOut";
  return async (req: unknown, ctx: HandlerContext) => {
    const { header, cookie } = upstreamHeader(ctx, opt);
    if (isSignIn) header.delete("authorization"); // signing in never rides on an older session
    let res;
    try {
      res = await opt.upstream.unary(method, ctx.signal, timeoutOf(ctx, opt), header, req as never);
    } catch (err) {
      if (isSignOut && cookie) {
        // The cookie goes in any case; an already ended session is signed out all the same.
        setCookies(ctx, clearSessionCookies(opt.secureCookies));
        if (ConnectError.from(err).code === Code.Unauthenticated) return {};
      }
      throw relayError(err, ctx, opt, cookie);
    }
    const message = res.message as Record<string, unknown>;
    if (isSignIn) {
      const token = String(message.sessionToken ?? "");
      message.sessionToken = ""; // the page never sees the token
      const maxAge = secondsUntil(String(message.expiresAt ?? ""));
      setCookies(ctx, setSessionCookies(token, opt.secureCookies, maxAge));
    } else if (isSignOut) {
      setCookies(ctx, clearSessionCookies(opt.secureCookies));
    }
    return message as never;
  };
}

function streamHandler(method: DescMethodServerStreaming, opt: ForwardOptions) {
  return async function* (req: unknown, ctx: HandlerContext) {
    const { header, cookie } = upstreamHeader(ctx, opt);
    // ctx.signal ends when the browser goes away (or loket-web shuts down): the upstream call with it.
    try {
      const res = await opt.upstream.stream(
        method,
        ctx.signal,
        ctx.timeoutMs(),
        header,
        (async function* () {
          yield req as never;
        })(),
      );
      for await (const message of res.message) yield message as never;
    } catch (err) {
      // On shutdown the signal carries loket-web's own reason (UNAVAILABLE: reconnect).
      if (ctx.signal.aborted && ctx.signal.reason instanceof ConnectError) {
        ctx.values.get(requestInfo).code = Code[ctx.signal.reason.code];
        throw ctx.signal.reason;
      }
      throw relayError(err, ctx, opt, cookie);
    }
  };
}
