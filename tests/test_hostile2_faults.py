"""Hostile hosts and configs through the real command against loopback servers: a token echoed in
another encoding, a redirect to another origin, a backtracking `families` pattern."""

import base64
import json

from tests.conftest import invoke, query, run, write_config
from tests.loopback import Reply, hf_models

SECRET = "hf_echoedSecret1234567890"


def escaped(text):
    return "".join(f"\\u{ord(c):04x}" for c in text)


def test_a_token_echoed_escaped_upper_cased_or_in_base64_is_neither_stored_nor_recorded(tmp_path, env, hub):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 2)
    original = hub.handle

    def echo(request):
        reply = original(request)
        items = json.loads(reply.body)
        items[0]["cardData"] = {"upper": SECRET.upper(), "b64": base64.b64encode(f"Bearer {SECRET}".encode()).decode()}
        body = json.dumps(items).replace('"cardData"', '"escaped": "' + escaped(SECRET) + '", "cardData"', 1)
        reply.body = body.encode()
        reply.headers["X-Echo"] = request.headers.get("authorization", "").lower()
        return reply

    hub.loopback.route("/api/models", echo)
    config = write_config(
        tmp_path / "sources.toml",
        {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url, "send_token": True}]},
    )
    rec, db = tmp_path / "rec", tmp_path / "r.db"
    result = invoke(
        ["sync", "--config", str(config), "--db", str(db), "--format", "json", "--record", str(rec)],
        {**env, "HF_TOKEN": SECRET},
    )
    assert result.returncode == 0, result.stderr
    assert hub.loopback.log[0].headers["authorization"] == f"Bearer {SECRET}"
    assert query(db, "SELECT count(*) FROM artifacts") == [(2,)]
    kept = db.read_bytes() + b"".join(p.read_bytes() for p in rec.iterdir()) + result.stdout.encode()
    assert SECRET.lower().encode() not in kept.lower()
    assert escaped(SECRET[:6]).encode() not in kept
    assert base64.b64encode(f"Bearer {SECRET}".encode())[12:40] not in kept
    assert b"[redacted]" in kept


def test_a_redirect_to_another_origin_is_not_followed(tmp_path, env, hub):
    elsewhere = hub.loopback.url.replace("127.0.0.1", "localhost") + "/internal-admin"
    hub.loopback.fail_next("/api/models", Reply(status=302, headers={"Location": elsewhere}))
    hub.loopback.route("/internal-admin", lambda request: Reply(body=b'[{"id": "admin/secret"}]'))
    config = write_config(
        tmp_path / "sources.toml", {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}]}
    )
    db = tmp_path / "r.db"
    result = invoke(["sync", "--config", str(config), "--db", str(db), "--format", "json"], env)
    assert result.returncode == 1
    assert [r.path for r in hub.loopback.log] == ["/api/models"]
    (error,) = query(db, "SELECT error FROM source_runs")[0]
    assert error.startswith("redirect to another origin not followed: http://localhost:")
    assert query(db, "SELECT count(*) FROM artifacts") == [(0,)]
    assert b"admin/secret" not in db.read_bytes()


def test_a_backtracking_families_pattern_cannot_hang_a_sync(tmp_path, env, hub):
    items = hf_models("acme-ai", 2)
    items[0]["id"] = "acme-ai/" + "a" * 40 + "!"  # Python's `re` takes about 2^40 steps on `(a+)+$`
    hub.orgs["acme-ai"] = items
    config = tmp_path / "sources.toml"
    config.write_text(
        '[vendors.acme]\nname = "Acme"\n[vendors.acme.families]\n"(a+)+$" = "z"\n'
        f'[[vendors.acme.sources]]\nkind = "huggingface"\norg = "acme-ai"\nbase_url = "{hub.loopback.url}"\n'
    )
    db = tmp_path / "r.db"
    # a spawned command: were the pattern to backtrack, the timeout ends the process, not the test run
    result = run(["sync", "--config", str(config), "--db", str(db), "--format", "json"], env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert query(db, "SELECT count(*) FROM artifacts") == [(2,)]
    assert query(db, "SELECT status FROM sync_runs") == [("ok",)]
