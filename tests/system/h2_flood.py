#!/usr/bin/env python3
"""An unauthenticated client that tries to make loketd buffer memory: plain HTTP/2, no gRPC library.

It opens CONNS connections with STREAMS streams each to PATH, declares a gRPC message of DECLARED
bytes on every stream and sends SEND bytes of it (as fast as the server's flow-control windows let
it), then never finishes: it holds every stream open until HOLD seconds have passed, then exits and
prints one JSON line with what the server let through: bytes sent, streams opened, streams the
server reset or ended, connections it closed. Standard library only (raw frames, literal HPACK).

With POLITE=1 it opens its streams only after the server's SETTINGS (acknowledged), as a real
client does: gRPC enforces SETTINGS_MAX_CONCURRENT_STREAMS only from the acknowledgement on.

With ENOUGH (bytes) it stops as soon as it has sent that much in all, HOLD at the latest. With
RENEW=1 it is stubborn: a stream the server resets is replaced by a new one, a connection it closes
by a new connection (the counts then add up over all of them).

usage: h2_flood.py HOST PORT CONNS STREAMS DECLARED SEND HOLD [PATH] [POLITE] [ENOUGH] [RENEW]
"""
import json
import selectors
import socket
import struct
import sys
import time

DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8
FLAG_END_HEADERS, FLAG_ACK = 0x4, 0x1
MAX_FRAME = 16384


def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def hpack_literal(name, value):
    # Literal header field without indexing, new name, no Huffman (RFC 7541 6.2.2).
    def string(s):
        b = s.encode()
        assert len(b) < 127
        return bytes([len(b)]) + b

    return b"\x00" + string(name) + string(value)


class Conn:
    def __init__(self, host, port, streams, path, declared, send, polite):
        self.sock = socket.create_connection((host, port))
        self.sock.setblocking(False)
        self.out = bytearray()
        self.inbuf = bytearray()
        self.closed = False
        self.goaway = False
        self.conn_window = 65535
        self.initial_window = 65535
        self.windows = {}  # stream id -> window
        self.left = {}  # stream id -> bytes still to send
        self.dead = set()  # streams the server reset or ended
        self.sent = 0
        self.out += b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(SETTINGS, 0, 0)
        block = (
            hpack_literal(":method", "POST")
            + hpack_literal(":scheme", "http")
            + hpack_literal(":path", path)
            + hpack_literal(":authority", "%s:%d" % (host, port))
            + hpack_literal("content-type", "application/grpc")
            + hpack_literal("te", "trailers")
        )
        self.opening = [(1 + 2 * i, block, send) for i in range(streams)]
        self.block, self.send, self.next_sid = block, send, 1 + 2 * streams
        self.renewed = 0
        self.prefixed = set()
        self.prefix = b"\x00" + struct.pack(">I", declared)
        if not polite:
            self.open_streams()

    def open_streams(self):
        for sid, block, send in self.opening:
            self.out += frame(HEADERS, FLAG_END_HEADERS, sid, block)
            self.windows[sid] = self.initial_window
            self.left[sid] = send
        self.opening = []

    def pump_data(self, renew):
        # Queue DATA frames within the windows (never END_STREAM: the message never finishes).
        if self.closed or self.goaway:
            return
        for sid in list(self.left):
            if sid in self.dead:
                del self.left[sid]
                if renew and self.next_sid < 1 << 30:
                    self.opening = [(self.next_sid, self.block, self.send)]
                    self.next_sid += 2
                    self.renewed += 1
                    self.open_streams()
                continue
            while self.left[sid] > 0 and self.conn_window > 0 and self.windows[sid] > 0 and len(self.out) < 1 << 20:
                n = min(MAX_FRAME, self.left[sid], self.conn_window, self.windows[sid])
                if sid not in self.prefixed:
                    if n < len(self.prefix):
                        break
                    payload = self.prefix + b"\x00" * (n - len(self.prefix))
                    self.prefixed.add(sid)
                else:
                    payload = b"\x00" * n
                self.out += frame(DATA, 0, sid, payload)
                self.left[sid] -= n
                self.conn_window -= n
                self.windows[sid] -= n
                self.sent += n
            if self.left[sid] == 0:
                del self.left[sid]

    def on_readable(self):
        try:
            chunk = self.sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            return
        self.inbuf += chunk
        while len(self.inbuf) >= 9:
            length = int.from_bytes(self.inbuf[0:3], "big")
            if len(self.inbuf) < 9 + length:
                break
            ftype, flags = self.inbuf[3], self.inbuf[4]
            sid = int.from_bytes(self.inbuf[5:9], "big") & 0x7FFFFFFF
            payload = bytes(self.inbuf[9 : 9 + length])
            del self.inbuf[: 9 + length]
            if ftype == SETTINGS and not flags & FLAG_ACK:
                for off in range(0, len(payload), 6):
                    ident, value = struct.unpack(">HI", payload[off : off + 6])
                    if ident == 4:  # INITIAL_WINDOW_SIZE applies its change to every open stream
                        delta = value - self.initial_window
                        self.initial_window = value
                        for s in self.windows:
                            self.windows[s] += delta
                self.out += frame(SETTINGS, FLAG_ACK, 0)
                self.open_streams()
            elif ftype == WINDOW_UPDATE:
                inc = struct.unpack(">I", payload)[0] & 0x7FFFFFFF
                if sid == 0:
                    self.conn_window += inc
                elif sid in self.windows:
                    self.windows[sid] += inc
            elif ftype == PING and not flags & FLAG_ACK:
                self.out += frame(PING, FLAG_ACK, 0, payload)
            elif ftype == GOAWAY:
                self.goaway = True
            elif ftype == RST_STREAM or (ftype == HEADERS and flags & 0x1):
                self.dead.add(sid)

    def on_writable(self):
        if not self.out or self.closed:
            return
        try:
            n = self.sock.send(self.out)
            del self.out[:n]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.closed = True


def main():
    host, port, conns, streams, declared, send, hold = sys.argv[1:8]
    path = sys.argv[8] if len(sys.argv) > 8 else "/loket.v1.CaseService/AttachDocument"
    polite = len(sys.argv) > 9 and sys.argv[9] == "1"
    enough = int(sys.argv[10]) if len(sys.argv) > 10 else 0
    renew = len(sys.argv) > 11 and sys.argv[11] == "1"
    port, conns, streams, declared, send, hold = int(port), int(conns), int(streams), int(declared), int(send), float(hold)
    sel = selectors.DefaultSelector()
    cs = []
    refused = 0

    def connect():
        nonlocal refused
        try:
            c = Conn(host, port, streams, path, declared, send, polite)
        except OSError:
            refused += 1
            return
        cs.append(c)
        sel.register(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)

    for _ in range(conns):
        connect()
    end = time.monotonic() + hold
    while time.monotonic() < end:
        if renew:
            for _ in range(conns - sum(1 for c in cs if not c.closed)):
                connect()
        for c in cs:
            c.pump_data(renew)
            if not c.closed:
                events = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.out else 0)
                sel.modify(c.sock, events, c)
        for key, mask in sel.select(timeout=0.2):
            c = key.data
            if mask & selectors.EVENT_READ:
                c.on_readable()
            if mask & selectors.EVENT_WRITE:
                c.on_writable()
            if c.closed:
                sel.unregister(c.sock)
                c.sock.close()
        cs_open = [c for c in cs if not c.closed]
        if not cs_open or (enough and sum(c.sent for c in cs) >= enough):
            break
    result = {
        "connections": conns,
        "refused": refused,
        "closed_by_server": sum(1 for c in cs if c.closed),
        "goaway": sum(1 for c in cs if c.goaway),
        "streams": conns * streams,
        "connections_opened": len(cs),
        "streams_renewed": sum(c.renewed for c in cs),
        "streams_ended_by_server": sum(len(c.dead) for c in cs),
        "bytes_sent": sum(c.sent for c in cs),
    }
    print(json.dumps(result), flush=True)
    for c in cs:
        if not c.closed:
            c.sock.close()


if __name__ == "__main__":
    main()
