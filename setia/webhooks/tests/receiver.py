"""A real HTTP receiver for the tests: a standard-library server on 127.0.0.1 (a free port) in
a thread, answering each POST with the next status of its script and keeping what it got. It
checks each signature as a receiver would, with `verify_signature`."""

import http.server
import threading
import time
from dataclasses import dataclass, field

from setia.webhooks.signing import verify_signature


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool


@dataclass
class Receiver:
    secret: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    default_status: int = 200
    url: str = ""

    def next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else self.default_status


def start() -> tuple[Receiver, http.server.ThreadingHTTPServer]:
    receiver = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = dict(self.headers.items())
            ok = verify_signature(
                receiver.secret, headers.get("X-Setia-Signature", ""), body, time.time()
            )
            receiver.received.append(Received(headers, body, ok))
            status = receiver.next_status()
            reply = f"status {status}".encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    return receiver, server
