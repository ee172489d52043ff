#!/usr/bin/python3
"""A stand-in SMS/WhatsApp gateway for tests: records every POST and answers like a gateway.

Listens on 127.0.0.1, port 0; writes the chosen port to --port-file (atomically) once listening.
Each POST becomes one JSON line in --log (flushed at once):
  {"idempotency_key": ..., "authorization": ..., "content_type": ..., "status": <answered>,
   "body": <parsed JSON or null>}
The first --fail-first requests get --status (default 500) and an error body; later ones get 200
and {"message_id": "gw-<n>"}, where n numbers distinct idempotency keys, so a repeat gets the
message_id of its first delivery (the dedupe a real gateway does). A body that is not JSON gets 400.
--delay makes every answer wait that many seconds (for timeout tests). Runs until SIGTERM.
"""
import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--status", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()

    lock = threading.Lock()
    state = {"requests": 0, "ids": {}}
    log = open(args.log, "a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as gateways do: every answer has a Content-Length

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                body = None
            key = self.headers.get("Idempotency-Key")
            with lock:
                state["requests"] += 1
                if body is None:
                    status, answer = 400, {"error": "body is not JSON"}
                elif state["requests"] <= args.fail_first:
                    status, answer = args.status, {"error": f"injected failure {state['requests']}"}
                else:
                    ids = state["ids"]
                    ids.setdefault(key, f"gw-{len(ids) + 1}")
                    status, answer = 200, {"message_id": ids[key]}
                entry = {"idempotency_key": key,
                         "authorization": self.headers.get("Authorization"),
                         "content_type": self.headers.get("Content-Type"),
                         "status": status, "body": body, "received_at": time.time()}
                log.write(json.dumps(entry, ensure_ascii=False) + "\n")
                log.flush()
            if args.delay > 0:
                time.sleep(args.delay)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, fmt, *a):
            pass  # the JSON log is the record; stderr stays for real trouble

    # A gateway takes many connections at once: the default listen backlog of 5 drops the SYNs of
    # a notifier's concurrent sends, and each dropped one costs the client a second's retransmit.
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
