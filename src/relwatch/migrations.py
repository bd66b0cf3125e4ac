"""Ordered, recorded schema migrations. Never edit one that has shipped: add the next."""

M001_INITIAL = """
        CREATE TABLE vendors (
            id TEXT PRIMARY KEY,            -- key in sources.toml, e.g. 'google'
            name TEXT NOT NULL,
            aliases TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,            -- 'vendor/kind/identity', e.g. 'google/huggingface/google'
            vendor_id TEXT NOT NULL REFERENCES vendors(id),
            kind TEXT NOT NULL,
            base_url TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',
            last_success TEXT,
            last_error TEXT,
            last_error_at TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            wait_until TEXT                 -- a host asked us to wait: later syncs skip it until then
        );
        CREATE TABLE artifacts (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES sources(id),
            vendor_id TEXT NOT NULL REFERENCES vendors(id),
            kind TEXT NOT NULL,             -- the source kind that reported it
            external_id TEXT NOT NULL,      -- the id inside that source, e.g. 'google/gemma-3-27b-it'
            name TEXT NOT NULL,
            url TEXT,
            date TEXT,                      -- ISO 8601 UTC, or YYYY-MM-DD / YYYY-MM
            date_kind TEXT,                 -- announced | published | repo-created | listed
            modified_at TEXT,
            licence TEXT,
            licence_link TEXT,
            gated INTEGER,
            pipeline_tag TEXT,
            library TEXT,
            parameters INTEGER,
            base_models TEXT NOT NULL DEFAULT '[]',
            downloads INTEGER,
            likes INTEGER,
            tier_hint TEXT,                 -- what the source itself says about access
            weights_ref TEXT,
            family_hint TEXT,
            extra TEXT NOT NULL DEFAULT '{}',
            raw TEXT,                       -- the item as the source sent it (JSON)
            content_hash TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            gone_at TEXT,                   -- a complete listing no longer held it
            UNIQUE (source_id, external_id)
        );
        CREATE INDEX artifacts_vendor_date ON artifacts (vendor_id, date);
        CREATE TABLE http_validators (
            source_id TEXT NOT NULL REFERENCES sources(id),
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            next_url TEXT,
            item_ids TEXT NOT NULL DEFAULT '[]',  -- what the page held, for pages answered 304
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (source_id, url)
        );
        CREATE TABLE sync_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,           -- running | ok | failed | partial | interrupted
            vendors TEXT NOT NULL DEFAULT '[]',
            mode TEXT NOT NULL DEFAULT 'live',  -- live | record | replay
            sources_ok INTEGER NOT NULL DEFAULT 0,
            sources_failed INTEGER NOT NULL DEFAULT 0,
            sources_skipped INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE source_runs (
            id INTEGER PRIMARY KEY,
            sync_run_id INTEGER NOT NULL REFERENCES sync_runs(id),
            source_id TEXT NOT NULL REFERENCES sources(id),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,           -- ok | failed | waiting | skipped
            requests INTEGER NOT NULL DEFAULT 0,
            not_modified INTEGER NOT NULL DEFAULT 0,
            bytes INTEGER NOT NULL DEFAULT 0,
            pages INTEGER NOT NULL DEFAULT 0,
            items INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            gone INTEGER NOT NULL DEFAULT 0,
            suspect TEXT,                   -- why the result looks wrong, e.g. 'returned 0 items, 40 last time'
            error TEXT
        );
        CREATE INDEX source_runs_source ON source_runs (source_id, id);
"""


# (name, SQL script), applied in order, each in its own transaction, recorded in `migrations`.
MIGRATIONS: list[tuple[str, str]] = [
    ("001_initial", M001_INITIAL),
]
