// The built pages (web/dist/app), read once at start-up and kept in memory, each text file also
// gzipped once. "/" is index.html (the app routes with the URL's hash, so there are no other
// pages). Vite names the files in assets/ after their content: those may be cached for a year;
// everything else (index.html first) is revalidated on every load, with an ETag.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".wasm": "application/wasm",
};
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json|wasm)|image\/(svg\+xml|x-icon))/;

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

export class StaticFiles {
  private constructor(
    private readonly files: Map<string, Asset>,
    readonly root: string,
  ) {}

  get size(): number {
    return this.files.size;
  }

  // Reads every file under root. A missing root gives an empty set (the API still works).
  static async load(root: string): Promise<StaticFiles> {
    const files = new Map<string, Asset>();
    const exists = await stat(root).then((s) => s.isDirectory(), () => false);
    if (exists) {
      for (const path of await walk(root)) {
        const url = "/" + relative(root, path).split(sep).join("/");
        const body = await readFile(path);
        const type = TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
        let gzip: Buffer | undefined;
        if (COMPRESSIBLE.test(type) && body.length >= 512) {
          const z = gzipSync(body, { level: 9 });
          if (z.length < body.length * 0.9) gzip = z;
        }
        const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
        const cacheControl = url.startsWith("/assets/")
          ? "public, max-age=31536000, immutable"
          : "no-cache";
        files.set(url, { body, gzip, type, etag, cacheControl });
      }
    }
    return new StaticFiles(files, root);
  }

  serve(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("method not allowed\n");
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(pathname);
    } catch {
      path = "";
    }
    if (path === "/") path = "/index.html";
    const asset = this.files.get(path);
    if (!asset) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" });
      res.end("not found\n");
      return;
    }
    const headers: Record<string, string | number> = {
      "content-type": asset.type,
      "cache-control": asset.cacheControl,
      etag: asset.etag,
    };
    if (asset.gzip) headers["vary"] = "Accept-Encoding";
    if (req.headers["if-none-match"] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    let body = asset.body;
    if (asset.gzip && acceptsGzip(req.headers["accept-encoding"])) {
      body = asset.gzip;
      headers["content-encoding"] = "gzip";
    }
    headers["content-length"] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  }
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "gzip" && name !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
