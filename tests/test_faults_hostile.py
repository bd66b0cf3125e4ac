"""Hosts that never finish an answer, against the real command (issue 11): a header trickle, an
endless stream of `102 Processing`, a 1 byte/s body. Each must end at the request deadline, the
healthy source beside it must be stored, the run recorded, and the sync must exit 1."""

import json
import socket
import threading
import time

import pytest

from tests.conftest import invoke, query, write_config
from tests.loopback import Reply, hf_models


def trickle_headers(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while True:
        conn.sendall(b"X")
        time.sleep(0.05)


def endless_processing(conn):
    while True:
        conn.sendall(b"HTTP/1.1 102 Processing\r\n\r\n")
        time.sleep(0.05)


def slow_body(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
    while True:
        time.sleep(0.05)
        conn.sendall(b" ")


class Stalling:
    """A TCP server on 127.0.0.1 that reads a request and then runs `behave(conn)` until the peer leaves."""

    def __init__(self, behave):
        self.behave = behave
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        with conn:
            try:
                conn.recv(65536)
                self.behave(conn)
            except OSError:
                pass

    def close(self):
        self.server.close()


@pytest.mark.parametrize("behave", [trickle_headers, endless_processing, slow_body])
def test_an_answer_that_never_ends_stops_at_the_request_deadline(tmp_path, env, hub, behave):
    hub.orgs["beta-lab"] = hf_models("beta-lab", 3)
    stalling = Stalling(behave)
    try:
        config = write_config(
            tmp_path / "sources.toml",
            {
                "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": stalling.url}],
                "beta": [{"kind": "huggingface", "org": "beta-lab", "base_url": hub.loopback.url}],
            },
            settings={"timeout": 0.5, "request_deadline": 1.0, "retries": 2},  # the shortest deadline allowed
        )
        db = tmp_path / "r.db"
        started = time.monotonic()
        result = invoke(["sync", "--config", str(config), "--db", str(db), "--format", "json", "--quiet"], env)
        elapsed = time.monotonic() - started
    finally:
        stalling.close()
    assert result.returncode == 1, result.stderr
    assert elapsed < 15
    assert stalling.connections == 1  # a deadline is not retried
    host = stalling.url.removeprefix("http://")
    status, error = query(db, "SELECT status, error FROM source_runs WHERE source_id = 'acme/huggingface/acme-ai'")[0]
    assert status == "failed" and error.startswith(f"{host}: no complete answer") and "deadline" in error
    assert query(db, "SELECT status FROM sync_runs") != [("running",)]
    assert query(db, "SELECT count(*) FROM artifacts") == [(3,)]
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["totals"]


def test_a_next_link_to_another_host_is_not_fetched_or_stored(tmp_path, env, hub):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 3)
    original = hub.handle

    def handler(request):
        reply = original(request)
        reply.headers["Link"] = f'<{hub.loopback.url.replace("127.0.0.1", "localhost")}/internal-admin>; rel="next"'
        return reply

    hub.loopback.route("/api/models", handler)
    config = write_config(
        tmp_path / "sources.toml",
        {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}]},
    )
    db = tmp_path / "r.db"
    result = invoke(["sync", "--config", str(config), "--db", str(db), "--format", "json"], env)
    assert result.returncode == 1
    assert [r.path for r in hub.loopback.log] == ["/api/models"]
    (error,) = query(db, "SELECT error FROM source_runs")[0]
    assert "not followed: http://localhost:" in error
    assert query(db, "SELECT count(*) FROM artifacts") == [(0,)]


@pytest.mark.parametrize("value", ["\u00b9\u00b2", "9" * 20, "inf", "nan", "-3"])
def test_a_malformed_retry_after_falls_back_to_backoff(tmp_path, env, hub, value):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 3)
    hub.loopback.fail_next("/api/models", Reply(status=429, headers={"Retry-After": value}))
    config = write_config(
        tmp_path / "sources.toml", {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}]}
    )
    result = invoke(["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json"], env)
    assert result.returncode == 0, result.stderr
    assert len(hub.loopback.log) == 2
    assert query(tmp_path / "r.db", "SELECT count(*) FROM artifacts") == [(3,)]


def test_a_token_echo_is_neither_stored_nor_recorded(tmp_path, env, hub):
    secret = "hf_echoedsecret123"
    hub.orgs["acme-ai"] = hf_models("acme-ai", 2)
    original = hub.handle

    def echo(request):
        reply = original(request)
        echoed = request.headers.get("authorization", "")
        items = json.loads(reply.body)
        items[0]["cardData"] = {"seen": echoed}
        reply.body = json.dumps(items).encode()
        reply.headers.update({"Set-Cookie": f"t={secret}", "X-Echo": echoed})
        return reply

    hub.loopback.route("/api/models", echo)
    config = write_config(
        tmp_path / "sources.toml",
        {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url, "send_token": True}]},
    )
    rec = tmp_path / "rec"
    db = tmp_path / "r.db"
    result = invoke(
        ["sync", "--config", str(config), "--db", str(db), "--format", "json", "--record", str(rec)],
        {**env, "HF_TOKEN": secret},
    )
    assert result.returncode == 0, result.stderr
    assert hub.loopback.log[0].headers["authorization"] == f"Bearer {secret}"
    assert secret.encode() not in db.read_bytes()
    recorded = "".join(p.read_text() for p in rec.iterdir())
    assert secret not in recorded and "set-cookie" not in recorded.lower() and "[redacted]" in recorded
