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


M002_RELEASES = """
ALTER TABLE artifacts ADD COLUMN release_id TEXT;     -- the release it belongs to, e.g. 'google/gemma-3'
ALTER TABLE artifacts ADD COLUMN family TEXT;         -- its family key, e.g. 'gemma-3'
ALTER TABLE artifacts ADD COLUMN tier TEXT;           -- the access it gives by itself
ALTER TABLE artifacts ADD COLUMN tier_reason TEXT;    -- why: licence, gating, what the source says
ALTER TABLE artifacts ADD COLUMN licence_class TEXT;  -- permissive | restricted | noncommercial | unknown
ALTER TABLE artifacts ADD COLUMN derivative_of TEXT;  -- built on another vendor's model: not this vendor's release
CREATE INDEX artifacts_release ON artifacts (release_id);
CREATE TABLE releases (
    id TEXT PRIMARY KEY,            -- 'vendor/family', e.g. 'baidu/ernie-4.5'
    vendor_id TEXT NOT NULL REFERENCES vendors(id),
    family TEXT NOT NULL,
    name TEXT NOT NULL,             -- e.g. 'ERNIE 4.5'
    tier TEXT,                      -- the most open tier among its artifacts
    tier_reason TEXT,
    licence_class TEXT,
    licences TEXT NOT NULL DEFAULT '[]',
    date TEXT,                      -- by the precedence in classify.py, see date_source
    date_source TEXT,
    announced_at TEXT,              -- the vendor's own announcement
    first_closed_at TEXT,           -- first API / hosted availability
    first_open_at TEXT,             -- first open weights
    first_seen TEXT,
    largest_parameters INTEGER,
    parameters_source TEXT,         -- safetensors | name
    artifact_count INTEGER NOT NULL,
    kinds TEXT NOT NULL DEFAULT '[]',
    pipeline_tags TEXT NOT NULL DEFAULT '[]',
    evidence TEXT NOT NULL DEFAULT '[]'   -- every tier claim: artifact, reason, url, licence
);
CREATE INDEX releases_vendor_date ON releases (vendor_id, date);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    sync_run_id INTEGER REFERENCES sync_runs(id),   -- NULL for `relwatch reclassify`
    at TEXT NOT NULL,
    vendor_id TEXT NOT NULL,
    -- new-artifact | new-release | tier-changed | licence-changed | gated-changed | artifact-gone
    type TEXT NOT NULL,
    source_id TEXT,
    artifact_id INTEGER,
    release_id TEXT,
    subject TEXT NOT NULL,          -- the artifact's external id or the release id
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX events_run ON events (sync_run_id);
CREATE INDEX events_vendor_at ON events (vendor_id, at);
"""

# Listings are newest first, undated last (SQLite sorts NULL lowest), ties by id: these indexes
# give that order without sorting a vendor's rows.
M003_LISTING_INDEXES = """
DROP INDEX artifacts_vendor_date;
CREATE INDEX artifacts_vendor_date ON artifacts (vendor_id, date, external_id);
DROP INDEX releases_vendor_date;
CREATE INDEX releases_vendor_date ON releases (vendor_id, date, id);
CREATE INDEX artifacts_date ON artifacts (date, external_id);
"""

# Payloads are most of an artifact's bytes and are written only when they change: apart, they no
# longer make every label update and every scan of `artifacts` read and rewrite them.
M004_ARTIFACT_PAYLOADS = """
CREATE TABLE artifact_payloads (
    artifact_id INTEGER PRIMARY KEY REFERENCES artifacts(id),
    raw TEXT NOT NULL               -- the item as the source sent it (JSON)
);
INSERT INTO artifact_payloads (artifact_id, raw) SELECT id, raw FROM artifacts WHERE raw IS NOT NULL;
ALTER TABLE artifacts DROP COLUMN raw;
"""

# Every per-source count a sync keeps is recorded (relwatch.models.SourceCounts).
M005_SOURCE_RUNS_SHARED = """
ALTER TABLE source_runs ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;  -- pages answered by another source's response
"""

# Prices (issue 13): an offer is one seller's way of selling one model; its observations are
# append-only, a new row only when its price changes (relwatch.prices).
M006_PRICES = """
CREATE TABLE price_offers (
    id INTEGER PRIMARY KEY,
    offer_key TEXT NOT NULL UNIQUE,     -- seller|model[:variant]
    vendor_id TEXT NOT NULL,
    model_id TEXT NOT NULL,             -- the base model (no :variant)
    variant TEXT,                       -- free | thinking | ...
    seller TEXT NOT NULL,               -- openrouter, or a models.dev provider
    channel TEXT NOT NULL,              -- first-party | host | aggregator
    name TEXT,
    output_modalities TEXT NOT NULL DEFAULT '[]',
    listed_by TEXT,                     -- the source whose complete live listing last held it
    retired_at TEXT                     -- when a complete listing stopped holding it
);
CREATE INDEX price_offers_vendor ON price_offers (vendor_id, model_id);
CREATE TABLE price_observations (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES price_offers(id),
    components TEXT NOT NULL,           -- JSON {component: exact decimal string}
    unit TEXT NOT NULL,                 -- USD/token | USD/1M tokens
    complete INTEGER NOT NULL,          -- 0: only some components were given (a ledger)
    input_per_million TEXT,             -- derived, exact: USD per 1M input tokens
    output_per_million TEXT,            -- derived, exact: USD per 1M output tokens
    first_observed TEXT NOT NULL,
    last_observed TEXT NOT NULL,
    source TEXT NOT NULL,               -- the source id that read it (live read or ledger)
    UNIQUE (offer_id, first_observed, source, components)  -- a ledger may hold two prices of one day
);
CREATE INDEX price_observations_offer ON price_observations (offer_id, first_observed);
CREATE INDEX artifacts_vendor_kind ON artifacts (vendor_id, kind);  -- a vendor's catalogue models
CREATE TABLE price_listings (
    source_id TEXT PRIMARY KEY,
    offers INTEGER NOT NULL,            -- offers in the whole catalogue at its last complete read
    read_at TEXT NOT NULL
);
"""

# The adoption series (issue 13, item 4): hub counts per artifact and day, and derivative counts
# per open release at milestones. Neither is part of an artifact's content hash.
M007_ADOPTION = """
CREATE TABLE artifact_metrics (
    artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
    day TEXT NOT NULL,              -- the sync day, YYYY-MM-DD (UTC)
    downloads INTEGER,              -- Hugging Face: a rolling 30-day count
    downloads_all_time INTEGER,
    likes INTEGER,
    PRIMARY KEY (artifact_id, day)
) WITHOUT ROWID;
CREATE TABLE derivative_counts (
    release_id TEXT NOT NULL,       -- releases.id
    repo TEXT NOT NULL,             -- the release's repository the derivatives name as base_model
    relation TEXT NOT NULL,         -- finetune | adapter | quantized | merge | unspecified
    milestone_days INTEGER NOT NULL,
    count INTEGER NOT NULL,
    complete INTEGER NOT NULL,      -- 0: the listing was cut by the request budget, count is a floor
    observed_at TEXT NOT NULL,
    PRIMARY KEY (release_id, milestone_days, relation, repo)  -- per-release sums read in key order
) WITHOUT ROWID;
"""

# Per-source listing state: incremental Hub listings stop at what is stored, so a source records
# when it was last read whole, and each run says how its listing was read. Hub look-ups of the
# repositories catalogues point at are remembered, so that none is asked for every night.
M008_LISTING_STATE = """
ALTER TABLE sources ADD COLUMN last_full_sweep TEXT;   -- when a complete listing of it was last merged (UTC)
ALTER TABLE source_runs ADD COLUMN listing TEXT;       -- full | incremental | incomplete
ALTER TABLE source_runs ADD COLUMN incomplete TEXT;    -- why the listing did not end, when it did not
CREATE TABLE hub_lookups (
    repo_id TEXT PRIMARY KEY,       -- a Hub repository a catalogue points at, e.g. 'MiniMaxAI/MiniMax-M1-80k'
    vendor_id TEXT NOT NULL,        -- the vendor whose catalogue entry points at it
    checked_at TEXT NOT NULL,       -- when its model info was last asked for (UTC)
    outcome TEXT NOT NULL           -- 'found', or why not, e.g. 'HTTP 404 from URL'
);
"""

# The digest's cursor (`diff --since delivered`), poison items counted per source run, and a
# permanent drop accepted by `relwatch sources accept`.
M009_DIGEST_AND_SKIPPED = """
CREATE TABLE digest_cursors (
    name TEXT PRIMARY KEY,          -- the vendors the digest covers: 'all' or their keys joined by ','
    event_id INTEGER NOT NULL,      -- the last event delivered (events.id)
    delivered_at TEXT NOT NULL
);
ALTER TABLE source_runs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;  -- items that could not be read
ALTER TABLE source_runs ADD COLUMN skipped_reasons TEXT;                -- the first reasons (JSON list)
ALTER TABLE source_runs ADD COLUMN accepted_at TEXT;                    -- when a suspect drop was accepted
"""

# The last price read of a vendor's offers (`compare`, `report`: prices are known as of it) is one
# index seek per offer instead of a walk over a year of daily rows.
M010_LAST_PRICE_READ = """
CREATE INDEX price_observations_last ON price_observations (offer_id, last_observed);
"""

# The hub repositories of a vendor's open releases (`compare`'s adoption figures) are read from one
# index, without a visit to each artifact's row: it replaces the index on release_id alone.
M011_RELEASE_REPOS = """
DROP INDEX IF EXISTS artifacts_release;
CREATE INDEX artifacts_release_repos ON artifacts (release_id, kind, gone_at, derivative_of, external_id);
"""

# `compare`'s first-month downloads read one stored row per hub repository of an open release
# instead of seeking into the daily series: the repository's first counted day in its release's
# first month (value.FIRST_MONTH_DAYS = 30, + MILESTONE_SLACK_DAYS = 7), kept with the release and
# open day it was taken for, so a row read for another release or open day is passed over. A count
# written, changed or removed on a day inside that window removes the row (the triggers); the store
# writes it again when counts arrive (relwatch.store.metrics).
M012_FIRST_MONTH_COUNTS = """
CREATE TABLE first_month_counts (
    artifact_id INTEGER PRIMARY KEY REFERENCES artifacts(id),
    release_id TEXT NOT NULL,       -- the open release the row was taken for (releases.id)
    released TEXT NOT NULL,         -- that release's open day, YYYY-MM-DD
    day TEXT,                       -- the first day from released + 30 to released + 37 with a downloads count
    downloads INTEGER,              -- the counts of that day (all NULL when no day has one)
    downloads_all_time INTEGER,
    likes INTEGER
);
CREATE TRIGGER first_month_counts_added AFTER INSERT ON artifact_metrics BEGIN
    DELETE FROM first_month_counts WHERE artifact_id = NEW.artifact_id
        AND NEW.day BETWEEN date(released, '+30 days') AND date(released, '+37 days');
END;
CREATE TRIGGER first_month_counts_changed AFTER UPDATE ON artifact_metrics BEGIN
    DELETE FROM first_month_counts WHERE artifact_id IN (OLD.artifact_id, NEW.artifact_id)
        AND (OLD.day BETWEEN date(released, '+30 days') AND date(released, '+37 days')
             OR NEW.day BETWEEN date(released, '+30 days') AND date(released, '+37 days'));
END;
CREATE TRIGGER first_month_counts_removed AFTER DELETE ON artifact_metrics BEGIN
    DELETE FROM first_month_counts WHERE artifact_id = OLD.artifact_id
        AND OLD.day BETWEEN date(released, '+30 days') AND date(released, '+37 days');
END;
INSERT INTO first_month_counts (artifact_id, release_id, released, day, downloads, downloads_all_time, likes)
SELECT o.artifact_id, o.release_id, o.released, m.day, m.downloads, m.downloads_all_time, m.likes
FROM (
    SELECT a.id AS artifact_id, r.id AS release_id, substr(coalesce(r.first_open_at, r.date), 1, 10) AS released
    FROM releases r JOIN artifacts a ON a.release_id = r.id
    WHERE r.tier IN ('open', 'open-noncommercial', 'open-restricted') AND a.kind = 'huggingface'
      AND a.gone_at IS NULL AND a.derivative_of IS NULL AND length(coalesce(r.first_open_at, r.date)) >= 10
) o
LEFT JOIN artifact_metrics m ON m.artifact_id = o.artifact_id AND m.day = (
    SELECT min(x.day) FROM artifact_metrics x WHERE x.artifact_id = o.artifact_id
      AND x.day BETWEEN date(o.released, '+30 days') AND date(o.released, '+37 days') AND x.downloads IS NOT NULL);
"""

# (name, SQL script), applied in order, each in its own transaction, recorded in `migrations`.
MIGRATIONS: list[tuple[str, str]] = [
    ("001_initial", M001_INITIAL),
    ("002_releases_and_events", M002_RELEASES),
    ("003_listing_indexes", M003_LISTING_INDEXES),
    ("004_artifact_payloads", M004_ARTIFACT_PAYLOADS),
    ("005_source_runs_shared", M005_SOURCE_RUNS_SHARED),
    ("006_prices", M006_PRICES),
    ("007_adoption", M007_ADOPTION),
    ("008_listing_state", M008_LISTING_STATE),
    ("009_digest_and_skipped", M009_DIGEST_AND_SKIPPED),
    ("010_last_price_read", M010_LAST_PRICE_READ),
    ("011_release_repos", M011_RELEASE_REPOS),
    ("012_first_month_counts", M012_FIRST_MONTH_COUNTS),
]
