// loket-web: the browser's door to Loket. Flags, wiring, the request log, shutdown.
//
//   node dist/server/main.js --listen 127.0.0.1:7480 --loketd 127.0.0.1:7400 --static dist/app
//       --edge-key-file FILE [--secure-cookies] [--tls-cert FILE --tls-key FILE] [--origin URL]...
//       [--log-requests=false] [--workers N] [--trusted-proxy ADDR[,ADDR...]]
//
// --origin: another origin the pages are served under (a proxy in front that rewrites Host);
// --secure-cookies: TLS ends in front of loket-web; --log-requests=false: no line per request;
// --workers N: N processes share the port (node:cluster; they share nothing else, as two loket-web
// behind one address would not); --trusted-proxy: reverse proxies whose X-Forwarded-For is believed
// (clientAddr below).
//
// One HTTP server: RPCs (Connect and gRPC-Web, POST /loket.v1.CaseService/GetCase) are checked
// (session.ts) and forwarded to loketd over gRPC (proxy.ts); GET /healthz asks loketd's health
// service; everything else is the built pages (static.ts). It keeps no state of its own.
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as http2 from "node:http2";
import { BlockList, isIP, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Code, ConnectError, createContextValues, type Transport } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import { forwardedServices, loketServices, registerForwarding, requestInfo, type RequestInfo } from "./proxy.js";
import { refuseRpc } from "./session.js";
import { StaticFiles } from "./static.js";

const MAX_MESSAGE_BYTES = 8 * 1024 * 1024; // a 5 MiB document (base64 in JSON: 6.7 MiB) and its fields
const MAX_BODY_BYTES = 12 * 1024 * 1024; // the same as gRPC-Web text (base64 of the binary form)
const UNARY_TIMEOUT_MS = 30_000;
const SHUTDOWN_GRACE_MS = 10_000;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: data:",
  "frame-src 'self' blob:", // the desk shows a case's PDF from a blob: URL in a frame
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");
const SECURITY_HEADERS: [string, string][] = [
  ["content-security-policy", CSP],
  ["x-content-type-options", "nosniff"],
  ["referrer-policy", "no-referrer"],
];

// "/package.Service/Method": the shape of every Connect and gRPC-Web call.
const RPC_PATH = /^\/[A-Za-z_]\w*(\.[A-Za-z_]\w*)+\/[A-Za-z_]\w*$/;

interface Flags {
  listen: string;
  loketd: string;
  static: string;
  edgeKeyFile: string;
  secureCookies: boolean;
  tlsCert: string;
  tlsKey: string;
  origins: string[];
  logRequests: boolean;
  workers: number;
  trustedProxies: string[];
}

function usage(msg: string): never {
  process.stderr.write(
    `loket-web: ${msg}\nusage: node dist/server/main.js [--listen HOST:PORT] [--loketd HOST:PORT|URL] ` +
      `[--static DIR] [--edge-key-file FILE] [--secure-cookies] [--tls-cert FILE --tls-key FILE] [--origin URL]... ` +
      `[--log-requests=false] [--workers N] [--trusted-proxy ADDR[,ADDR...]]\n`,
  );
  process.exit(2);
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = {
    listen: "127.0.0.1:7480",
    loketd: "127.0.0.1:7400",
    static: fileURLToPath(new URL("../app", import.meta.url)),
    edgeKeyFile: "",
    secureCookies: false,
    tlsCert: "",
    tlsKey: "",
    origins: [],
    logRequests: true,
    workers: 1,
    trustedProxies: [],
  };
  for (let i = 0; i < argv.length; i++) {
    let [name, value] = argv[i].split(/=(.*)/s, 2) as [string, string | undefined];
    const take = () => value ?? argv[++i] ?? usage(`${name} needs a value`);
    switch (name) {
      case "--listen": f.listen = take(); break;
      case "--loketd": f.loketd = take(); break;
      case "--static": f.static = take(); break;
      case "--edge-key-file": f.edgeKeyFile = take(); break;
      case "--secure-cookies": f.secureCookies = true; break;
      case "--tls-cert": f.tlsCert = take(); break;
      case "--tls-key": f.tlsKey = take(); break;
      case "--origin": f.origins.push(take().replace(/\/+$/, "")); break;
      case "--log-requests": f.logRequests = (value ?? "true") !== "false"; break;
      case "--workers": f.workers = Number(take()); break;
      case "--trusted-proxy":
        for (const a of take().split(",").map((x) => x.trim()).filter(Boolean)) {
          if (!isIP(a)) usage(`--trusted-proxy: not an IPv4 or IPv6 address: ${a}`);
          f.trustedProxies.push(a);
        }
        break;
      case "--help": case "-h": usage("the browser edge of Loket");
      default: usage(`unknown flag ${name}`);
    }
  }
  if (!!f.tlsCert !== !!f.tlsKey) usage("--tls-cert and --tls-key go together");
  if (!Number.isInteger(f.workers) || f.workers < 1 || f.workers > 64) usage("--workers is 1..64");
  return f;
}

function hostPort(s: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s);
  if (!m) usage(`not HOST:PORT: ${s}`);
  return { host: m[1], port: Number(m[2]) };
}

function plainAddr(a: string): string {
  if (a.startsWith("::ffff:") && a.includes(".")) a = a.slice(7);
  return a.replace(/%.*$/, "").toLowerCase(); // no IPv6 zone
}

// Addresses named by --trusted-proxy (IPv6 spellings and IPv4-mapped forms match alike).
class TrustedProxies {
  private readonly list = new BlockList();
  readonly size: number;
  constructor(addrs: string[]) {
    for (const a of addrs) this.list.addAddress(plainAddr(a), isIP(plainAddr(a)) === 6 ? "ipv6" : "ipv4");
    this.size = addrs.length;
  }
  has(a: string): boolean {
    const v = isIP(a);
    return v !== 0 && this.list.check(a, v === 6 ? "ipv6" : "ipv4");
  }
}

// The browser's address: the socket's peer, unless that peer is a trusted reverse proxy; then the
// right-most X-Forwarded-For entry that is not itself a trusted proxy (each proxy appends the
// address it saw, so entries left of it are only what the client claimed). An entry there that is
// not a bare IPv4/IPv6 address, or a header made only of trusted proxies, leaves the peer's address.
function clientAddr(req: http.IncomingMessage | http2.Http2ServerRequest, trusted: TrustedProxies): string {
  const peer = plainAddr(req.socket?.remoteAddress ?? "");
  if (trusted.size === 0 || !trusted.has(peer)) return peer;
  const raw = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(raw) ? raw.join(",") : raw ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainAddr(hops[i]);
    if (!isIP(hop)) return peer;
    if (!trusted.has(hop)) return hop;
  }
  return peer;
}

// The request target as a URL on our own origin, or undefined when it is none. A target is
// resolved as a path: "//host/x" is the path "//host/x" here, not another host.
function requestUrl(target: string | undefined): URL | undefined {
  const raw = target ?? "/";
  try {
    return raw.startsWith("/") ? new URL(`http://loket-web${raw}`) : new URL(raw);
  } catch {
    return undefined;
  }
}

function log(line: string) {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function healthy(upstream: Transport): Promise<boolean> {
  try {
    const res = await upstream.unary(Health.method.check, undefined, 2000, undefined, { service: "" });
    return res.message.status === HealthCheckResponse_ServingStatus.SERVING;
  } catch {
    return false;
  }
}

// --workers N > 1: this process only starts N workers, replaces one that dies, and passes SIGTERM on.
function primary(n: number) {
  let stopping = false;
  for (let i = 0; i < n; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (!stopping) {
      log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      cluster.fork();
    } else if (Object.keys(cluster.workers ?? {}).length === 0) {
      process.exit(0);
    }
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGTERM"));
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.workers > 1 && cluster.isPrimary) return primary(flags.workers);
  const tls = !!flags.tlsCert;
  const secure = tls || flags.secureCookies;
  const edgeKey = flags.edgeKeyFile ? readFileSync(flags.edgeKeyFile, "utf8").trim() : "";
  if (flags.edgeKeyFile && !edgeKey) usage(`${flags.edgeKeyFile} is empty`);
  if (!edgeKey) log("warning: no --edge-key-file: loketd will not know the browsers' addresses");

  const baseUrl = /^https?:\/\//.test(flags.loketd) ? flags.loketd : `http://${flags.loketd}`;
  const upstream = createGrpcTransport({
    baseUrl,
    readMaxBytes: MAX_MESSAGE_BYTES,
    writeMaxBytes: MAX_MESSAGE_BYTES,
    pingIntervalMs: 30_000,
  });
  const services = forwardedServices(await loketServices());
  const files = await StaticFiles.load(flags.static);
  if (files.size === 0) log(`warning: no pages in ${flags.static} (run npm run build)`);

  const trusted = new TrustedProxies(flags.trustedProxies);
  const shutdown = new AbortController();
  const infos = new WeakMap<object, RequestInfo>();
  const rpc = connectNodeAdapter({
    routes: (router) =>
      registerForwarding(router, services, {
        upstream,
        edgeKey,
        secureCookies: secure,
        unaryTimeoutMs: UNARY_TIMEOUT_MS,
      }),
    connect: true,
    grpcWeb: true,
    grpc: false,
    readMaxBytes: MAX_MESSAGE_BYTES,
    shutdownSignal: shutdown.signal,
    contextValues: (req) =>
      createContextValues().set(requestInfo, infos.get(req) ?? { clientAddr: clientAddr(req, trusted) }),
  });

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // Nothing a client sends may end the process: every page and stream would go with it.
    try {
      serveRequest(req, res);
    } catch (e) {
      log(`${req.method} request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) {
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8", connection: "close" });
        res.end("bad request\n");
      } else {
        res.destroy();
      }
    }
  };

  const serveRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = process.hrtime.bigint();
    const url = requestUrl(req.url);
    if (!url) {
      // "//", "//a:x", an absolute URL with a bad port: not a path of ours.
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end("bad request target\n");
      return;
    }
    const info: RequestInfo = { clientAddr: clientAddr(req, trusted) };
    // One line per request: no address, no query, no body (they may carry personal data).
    if (flags.logRequests) res.on("close", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = url.pathname.length > 120 ? url.pathname.slice(0, 120) + "..." : url.pathname;
      log(`${req.method} ${path} ${res.statusCode}${info.code ? " " + info.code : ""} ${ms.toFixed(1)}ms`);
    });
    for (const [k, v] of SECURITY_HEADERS) res.setHeader(k, v);
    // Where loket-web itself ends TLS, browsers are told to come back over HTTPS only (a proxy
    // that ends TLS in front sets this itself).
    if (tls) res.setHeader("strict-transport-security", "max-age=31536000");

    if (url.pathname === "/healthz") {
      res.setHeader("cache-control", "no-store");
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
        res.end("method not allowed\n");
        return;
      }
      healthy(upstream).then((ok) => {
        res.writeHead(ok ? 200 : 503, { "content-type": "text/plain; charset=utf-8" });
        res.end(ok ? "ok\n" : "loketd not serving\n");
      });
      return;
    }
    if (RPC_PATH.test(url.pathname)) {
      res.setHeader("cache-control", "no-store");
      const refusal = refuseRpc(req.method ?? "", req.headers, url.search.slice(1), secure, flags.origins, MAX_BODY_BYTES);
      if (refusal) {
        info.code = refusal.reason.replace(/ /g, "_");
        // The client gets the answer; a modest body is read and dropped so that it does too (a
        // client still writing to a closed socket sees a reset instead), a huge one ends the connection.
        const drain = Number(req.headers["content-length"] ?? 0) <= 8 * MAX_BODY_BYTES;
        res.writeHead(refusal.status, {
          "content-type": "text/plain; charset=utf-8",
          ...(refusal.status === 405 ? { allow: "POST, GET" } : {}),
          ...(drain ? {} : { connection: "close" }),
        });
        res.end(refusal.reason + "\n");
        req.resume();
        return;
      }
      infos.set(req, info);
      rpc(req, res);
      return;
    }
    files.serve(req, res, url.pathname);
  };

  const server: http.Server | http2.Http2SecureServer = tls
    ? http2.createSecureServer(
        { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey), allowHTTP1: true },
        handle as never,
      )
    : http.createServer(handle);

  const { host, port } = hostPort(flags.listen);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A crowd opening the booking page at once (2,000 in 10 s in bench/run_public_flash_bench.sh)
    // overflowed Node's default backlog of 511: connections were reset unanswered. The kernel
    // still caps it at net.core.somaxconn.
    server.listen({ port, host, backlog: 4096 }, () => resolve());
  });
  // Once listening, an error (an accept that fails for want of file descriptors) is logged, not
  // thrown: an 'error' event without a listener would end the process.
  server.on("error", (e) => log(`server error: ${e.message}`));
  const addr = server.address() as AddressInfo;
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  log(
    `loket-web listening on ${tls ? "https" : "http"}://${shown}:${addr.port}, forwarding ` +
      `${services.length} services to ${baseUrl}, ${files.size} static files from ${flags.static}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping (no new connections; streams end; calls in flight finish)`);
    server.close(() => {
      log("stopped");
      process.exit(0);
    });
    // Ends WatchQueue / WatchCase streams with UNAVAILABLE: the pages reconnect (to this address,
    // served by another loket-web or by this one restarted).
    shutdown.abort(new ConnectError("loket-web is restarting; reconnect", Code.Unavailable));
    if ("closeIdleConnections" in server) server.closeIdleConnections();
    setTimeout(() => {
      log(`still busy after ${SHUTDOWN_GRACE_MS} ms; exiting`);
      process.exit(0);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`loket-web: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
