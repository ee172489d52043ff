#!/usr/bin/python3
"""A stand-in SMTP server for tests: records every message it accepts.

Listens on 127.0.0.1, port 0; writes the chosen port to --port-file (atomically) once listening.
Each message becomes one JSON line in --log (flushed at once):
  {"message_id": ..., "to": <envelope recipients, comma-separated>, "header_to": <decoded>,
   "mail_from": ..., "subject": <decoded>, "body": <decoded text, line ends as LF>,
   "content_transfer_encoding": ..., "headers": {<name>: <raw value>}}
The first --fail-first messages are refused with --fail-reply (default "451 4.3.0 Try again
later") after DATA and not recorded. Runs until SIGTERM.

aiosmtpd's Controller (1.4.3) cannot listen on port 0: it checks readiness by connecting to the
port it was given. So the SMTP protocol object is served by asyncio directly, which reports the
port the kernel chose, with no window in which another process could take it.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Recorder:
    def __init__(self, log, fail_first, fail_reply):
        self.log = log
        self.fail_left = fail_first
        self.fail_reply = fail_reply

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            return self.fail_reply
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_content() if not msg.is_multipart() else ""
        entry = {
            "message_id": msg.get("Message-ID"),
            "to": ", ".join(envelope.rcpt_tos),
            "header_to": str(msg.get("To", "")),
            "mail_from": envelope.mail_from,
            "subject": str(msg.get("Subject", "")),
            "body": body.replace("\r\n", "\n"),
            "content_transfer_encoding": msg.get("Content-Transfer-Encoding"),
            "headers": {k: str(v) for k, v in msg.items()},
        }
        self.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.log.flush()
        return "250 2.0.0 OK: queued as " + str(entry["message_id"])


async def serve(args):
    log = open(args.log, "a", encoding="utf-8")
    handler = Recorder(log, args.fail_first, args.fail_reply)
    loop = asyncio.get_running_loop()
    # hostname given: SMTP() would otherwise ask DNS for the FQDN, which can take seconds.
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="loket-test-smtp", ident="loket test SMTP"),
        host="127.0.0.1", port=0)
    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, args.port_file)
    await stopped.wait()
    server.close()
    log.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-reply", default="451 4.3.0 Try again later")
    asyncio.run(serve(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
