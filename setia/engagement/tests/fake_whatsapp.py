"""A fake WhatsApp Business Cloud API on 127.0.0.1 (http.server in a thread) for the tests.

It behaves like the real API where the adapter depends on it, and honours the Idempotency-Key
header: a request repeating a key that was already accepted returns the first message ID and
delivers nothing new. Tests script the answers of successive requests.
"""

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "test-token"
PHONE_NUMBER_ID = "1098765"


def error_body(code: int, message: str, details: str = "") -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "A1"}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


class FakeCloudAPI:
    def __init__(self) -> None:
        # Each entry answers one request: "ok", ("slow", seconds) — accepted but answered too
        # late — or (http status, json body).
        self.script: list = []
        self.requests: list[dict] = []
        self.delivered: dict[str, str] = {}  # idempotency key → message ID
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake._lock:
                    fake.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "json": body}
                    )
                    answer = fake.script.pop(0) if fake.script else "ok"
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._reply(401, error_body(190, "Invalid OAuth access token"))
                if self.path != f"/v21.0/{PHONE_NUMBER_ID}/messages":
                    return self._reply(404, error_body(100, "Unknown path"))
                if answer == "ok" or answer[0] == "slow":
                    wamid = fake._accept(self.headers.get("Idempotency-Key"))
                    if answer != "ok":
                        time.sleep(answer[1])
                    return self._reply(
                        200,
                        {
                            "messaging_product": "whatsapp",
                            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                            "messages": [{"id": wamid}],
                        },
                    )
                status, payload = answer
                return self._reply(status, payload)

            def _reply(self, status, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (OSError, ValueError):
                    pass  # the client gave up waiting (the timeout case)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _accept(self, key: str | None) -> str:
        with self._lock:
            if key and key in self.delivered:
                return self.delivered[key]
            wamid = f"wamid.TEST{next(self._ids):04d}"
            self.delivered[key or wamid] = wamid
            return wamid

    def __enter__(self):
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
