// The browser's session and the request checks that keep other sites out.
//
// The session is the loketd session token itself, kept in the cookie `loket_session` (HttpOnly, so no
// script on the page can read it; SameSite=Strict, so no other site's page makes the browser send
// it; Secure under TLS). loket-web remembers nothing: any loket-web behind the same address can
// serve the next request.
//
// CSRF: besides SameSite=Strict, an RPC must be a POST (or a Connect GET) with one of the Connect or
// gRPC-Web content types, which no HTML form can send and no other origin can send without a CORS
// preflight (loket-web answers none); a request whose Origin names another origin, or that the
// browser marks as cross-site (Sec-Fetch-Site), is refused outright.
import type { IncomingHttpHeaders } from "node:http";

export const COOKIE = "loket_session";

// Content types of the Connect and gRPC-Web protocols (gRPC itself is not served to browsers).
const RPC_CONTENT_TYPE =
  /^application\/(proto|json|connect\+(proto|json)|grpc-web(-text)?(\+(proto|json))?)(;|$)/i;

// The session token is 64 hex characters; anything else in the cookie is ignored.
const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return TOKEN.test(value) ? value : undefined;
  }
  return undefined;
}

// A companion cookie the page can read, holding no secret: only that a session cookie was set. A
// page opened without it (the public, every visit) knows no one is signed in and does not ask
// WhoAmI, a round trip that could only answer 401.
export const SIGNED_IN_COOKIE = "loket_signed_in";

const SIGNED_IN_PRESENT = new RegExp(`(^|;\\s*)${SIGNED_IN_COOKIE}=`);

export function hasSignedInCookie(cookieHeader: string | undefined): boolean {
  return cookieHeader !== undefined && SIGNED_IN_PRESENT.test(cookieHeader);
}

// Set-Cookie values for a fresh session: the session cookie first, then its companion, with the
// same lifetime. maxAgeSeconds undefined: browser-session cookies.
export function setSessionCookies(token: string, secure: boolean, maxAgeSeconds?: number): string[] {
  let tail = "; Path=/; SameSite=Strict";
  if (maxAgeSeconds !== undefined) tail += `; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
  if (secure) tail += "; Secure";
  return [`${COOKIE}=${token}; HttpOnly${tail}`, `${SIGNED_IN_COOKIE}=${token ? "1" : ""}${tail}`];
}

export function clearSessionCookies(secure: boolean): string[] {
  return setSessionCookies("", secure, 0);
}

// Seconds from now until an RFC 3339 time; undefined when it does not parse.
export function secondsUntil(rfc3339: string, now = Date.now()): number | undefined {
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? undefined : Math.max(0, (t - now) / 1000);
}

// Why an RPC request is refused (HTTP status and a short reason), or undefined when it may go on.
// `secure`: whether the page is served over TLS (its own origin is then https://host);
// `extraOrigins`: the --origin flags.
export function refuseRpc(
  method: string,
  headers: IncomingHttpHeaders,
  query: string,
  secure: boolean,
  extraOrigins: readonly string[],
  maxBodyBytes: number,
): { status: number; reason: string } | undefined {
  const host = headers[":authority"] ?? headers.host;
  // Connect's handler needs a host it can parse (an HTTP/1.0 request may send none).
  if (typeof host !== "string" || !URL.canParse(`http://${host}`)) return { status: 400, reason: "no valid host" };
  const origin = headers["origin"];
  if (origin !== undefined && !ownOrigins(host, secure, extraOrigins).includes(origin)) {
    return { status: 403, reason: "foreign origin" };
  }
  const site = headers["sec-fetch-site"];
  if (site === "cross-site") return { status: 403, reason: "cross-site request" };
  if (method === "POST") {
    const type = headers["content-type"] ?? "";
    if (!RPC_CONTENT_TYPE.test(type)) return { status: 415, reason: "not a Connect or gRPC-Web request" };
  } else if (method !== "GET" || !/(^|&)connect=v1(&|$)/.test(query)) {
    // Connect's GET form is only for methods without side effects; the Connect handler checks that.
    return { status: 405, reason: "method not allowed" };
  }
  if (Number(headers["content-length"] ?? 0) > maxBodyBytes) return { status: 413, reason: "request too large" };
  return undefined;
}

// The page's own origin(s) as a browser would write them in the Origin header.
function ownOrigins(host: string, secure: boolean, extra: readonly string[]): string[] {
  const list = [...extra];
  if (host) list.push(`${secure ? "https" : "http"}://${host}`);
  return list;
}
