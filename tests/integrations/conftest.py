import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from integrations.services import api_client_create


@pytest.fixture
def make_client(db):
    """An ERP client with the given scopes; returns (client, raw token)."""

    def make(name="ERP", scopes=None, territories=None, rate=1200):
        client, raw = api_client_create(
            name=name,
            resource_scopes=scopes or {"*": "write"},
            all_territories=territories is None,
            territory_ids=[t.pk for t in territories or []],
        )
        client.rate_limit_per_minute = rate
        client.save()
        return client, raw

    return make


@pytest.fixture
def bearer(api_client):
    def use(raw):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return api_client

    return use


class _Receiver(BaseHTTPRequestHandler):
    status = 200
    received: list

    def do_POST(self):  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """A real HTTP server on 127.0.0.1 that records webhook deliveries."""

    handler = type("Receiver", (_Receiver,), {"received": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield handler
    server.shutdown()
