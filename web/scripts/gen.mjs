// Generates the TypeScript messages and service descriptors from ../protos into gen/ with Debian's
// protoc and protoc-gen-es (from node_modules). Generated code is built, never committed.
// gen/loket/v1/*_pb.ts: every Loket service (the pages' clients, the edge's forwarding);
// gen/grpc/health/v1/health_pb.ts: the health check loket-web's /healthz asks loketd.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const protos = join(web, "..", "protos");
const out = join(web, "gen");
const files = readdirSync(join(protos, "loket", "v1"))
  .filter((f) => f.endsWith(".proto"))
  .map((f) => `loket/v1/${f}`);
files.push("grpc/health/v1/health.proto");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  "protoc",
  [
    `--plugin=protoc-gen-es=${join(web, "node_modules", ".bin", "protoc-gen-es")}`,
    `--es_out=${out}`,
    "--es_opt=target=ts,import_extension=js",
    `-I${protos}`,
    ...files,
  ],
  { stdio: "inherit" },
);
console.log(`gen: ${files.length} protos -> gen/`);
