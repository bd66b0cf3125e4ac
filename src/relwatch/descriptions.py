"""Plain-words descriptions of every table and column of the relwatch database.

`DESCRIPTIONS` is the one place they are written. `metadata()` turns it into the shape of
Datasette's metadata file (https://docs.datasette.io/en/stable/metadata.html: `databases` →
`tables` → `description` and `columns`), and `write_metadata()` writes that file, so that
`datasette serve relwatch.db --metadata metadata.json` shows each table and column explained.

Units used throughout: dates and times are ISO 8601 in UTC (`2025-03-12T08:00:00Z`) unless a
column says a day (`YYYY-MM-DD`) or allows a month (`YYYY-MM`); durations are days; prices are USD
per 1M tokens when shown, and stored exactly as the source wrote them (USD per token, decimal
strings). The date kinds come from `relwatch.models.DateKind`, the tiers from
`relwatch.models.Openness`, the release-date precedence from `relwatch.classify`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict


class TableDescription(TypedDict):
    """A table's description and one description per column name."""

    description: str
    columns: dict[str, str]


JSON_LIST = "(a JSON list)"
TIERS = "open | open-restricted | open-noncommercial | api | hosted | unreleased, most open first"
DATE_KINDS = (
    "what `date` means: announced (the vendor's own announcement: changelog, release notes, feed), "
    "published (a publication the vendor made: a GitHub release, a catalogue's release date), "
    "repo-created (a hub repository's creation, which may precede its going public), "
    "listed (a third party listed it, e.g. OpenRouter's `created`)"
)

DESCRIPTIONS: dict[str, TableDescription] = {
    # -- the current schema (relwatch.migrations) --------------------------------------------
    "vendors": {
        "description": "The AI labs followed, as configured in sources.toml (copied here so the file explains itself).",
        "columns": {
            "id": "The vendor's key in sources.toml, e.g. 'google'.",
            "name": "Display name, e.g. 'Google'.",
            "aliases": f"Other names the vendor answers to on the command line {JSON_LIST}.",
        },
    },
    "sources": {
        "description": (
            "Where relwatch reads each vendor's models (a hub organisation, a catalogue, a changelog page, "
            "a feed), with the health of its last syncs."
        ),
        "columns": {
            "id": "'vendor/kind/identity', e.g. 'google/huggingface/google'.",
            "vendor_id": "The vendor it reports for (vendors.id).",
            "kind": "huggingface | modelscope | openrouter | modelsdev | github | changelog | feed.",
            "base_url": "The address its requests go to.",
            "options": "Its other settings from sources.toml (a JSON object), e.g. page_size.",
            "last_success": "When a sync last read it completely (UTC).",
            "last_error": "The last failure, in one line.",
            "last_error_at": "When that failure happened (UTC).",
            "consecutive_failures": "Syncs in a row that failed on it; 0 after a success.",
            "wait_until": "The host asked relwatch to wait (429/503 Retry-After): syncs skip it until then (UTC).",
            "last_full_sweep": (
                "When a complete listing of it was last merged (UTC): Hub sources read only what changed "
                "between sweeps, and only a sweep marks repositories gone."
            ),
        },
    },
    "artifacts": {
        "description": (
            "Everything a source reports (a hub repository, a catalogue line, a changelog mention), one row per "
            "(source, external id), with the labels relwatch gives it. Releases group them."
        ),
        "columns": {
            "id": "Row id; artifact_payloads.artifact_id and events.artifact_id point here.",
            "source_id": "The source that reported it (sources.id).",
            "vendor_id": "The vendor of that source (vendors.id).",
            "kind": "The kind of that source, e.g. huggingface, openrouter, changelog.",
            "external_id": "Its id inside that source, e.g. 'google/gemma-3-27b-it'.",
            "name": "Its name as the source shows it.",
            "url": "Its page at the source.",
            "date": "Its date as the source gives it: ISO 8601 UTC, or a day (YYYY-MM-DD) or month (YYYY-MM).",
            "date_kind": DATE_KINDS + ".",
            "modified_at": "When the source says it last changed (UTC), e.g. a hub repository's last commit.",
            "licence": "Its licence as the source names it, e.g. 'apache-2.0', 'llama3.1', 'other'.",
            "licence_link": "The licence text's address, when the source gives one.",
            "gated": "1 when the weights need an accepted agreement to download, 0 when not, empty when unknown.",
            "pipeline_tag": "The task the source files it under, e.g. 'text-generation'.",
            "library": "The library it is meant for, e.g. 'transformers', 'gguf'.",
            "parameters": "Parameter count (a number of weights, not billions), as the source gives it.",
            "base_models": f"The models it was built from, as its card declares them {JSON_LIST}.",
            "downloads": "The hub's download count when last synced: Hugging Face's is a rolling 30-day count.",
            "likes": "The hub's like count when last synced.",
            "tier_hint": f"What the source itself says about access, one of: {TIERS}.",
            "weights_ref": "Where the weights are when the source points elsewhere, e.g. a catalogue's hub id.",
            "family_hint": "A family name the source suggests, used before relwatch's own guess.",
            "extra": "Anything else the source said that relwatch reads (a JSON object), e.g. a changelog's heading.",
            "content_hash": "Hash of the fields above: a change marks the artifact updated.",
            "first_seen": "When relwatch first saw it (UTC).",
            "last_seen": "When a sync last saw it (UTC).",
            "gone_at": "When a complete listing no longer held it (UTC); empty while it is listed.",
            "release_id": "The release it belongs to (releases.id), e.g. 'google/gemma-3'.",
            "family": "Its family key, e.g. 'gemma-3'.",
            "tier": f"The access it gives by itself, one of: {TIERS}.",
            "tier_reason": "Why that tier: the licence, the gating, or what the source says.",
            "licence_class": "permissive | restricted | noncommercial | unknown, from the licence.",
            "derivative_of": "Set when it is built on another vendor's model: then it is not this vendor's release.",
        },
    },
    "artifact_payloads": {
        "description": "Each artifact's item exactly as the source sent it, apart from artifacts as it is large.",
        "columns": {
            "artifact_id": "The artifact (artifacts.id).",
            "raw": "The item as the source sent it (JSON).",
        },
    },
    "releases": {
        "description": (
            "One model release of one vendor (a family such as 'gemma-3'), built from its artifacts across "
            "sources: its tier is the most open any artifact gives, its date follows the precedence "
            "announcement → first-party repository → catalogue → third-party listing → first seen."
        ),
        "columns": {
            "id": "'vendor/family', e.g. 'baidu/ernie-4.5'.",
            "vendor_id": "The vendor (vendors.id).",
            "family": "The family key, e.g. 'ernie-4.5'.",
            "name": "Display name, e.g. 'ERNIE 4.5'.",
            "tier": f"The most open tier among its artifacts, one of: {TIERS}.",
            "tier_reason": "Why that tier, from the artifact that gives it.",
            "licence_class": "permissive | restricted | noncommercial | unknown, of the artifact that gives the tier.",
            "licences": f"Every licence its artifacts carry {JSON_LIST}.",
            "date": "Its release date, chosen by the precedence in the table description; see date_source.",
            "date_source": (
                "Which evidence gave the date: announcement, first-party artifact, catalogue release date, "
                "third-party listing or first seen; an earlier candidate more than 14 days before wins and says so."
            ),
            "announced_at": "The vendor's own earliest announcement (changelog, feed, GitHub release).",
            "first_closed_at": "First API or hosted availability.",
            "first_open_at": "First open weights.",
            "first_seen": "When relwatch first saw any of its artifacts (UTC).",
            "largest_parameters": "Parameter count of its largest artifact (a number of weights).",
            "parameters_source": "Where that count comes from: safetensors (metadata) or name (e.g. '27b').",
            "artifact_count": "How many artifacts it groups.",
            "kinds": f"The source kinds its artifacts come from {JSON_LIST}.",
            "pipeline_tags": f"The tasks its artifacts are filed under {JSON_LIST}.",
            "evidence": f"Every tier claim: artifact, tier, reason, address, licence {JSON_LIST}.",
        },
    },
    "events": {
        "description": "What changed, as syncs and reclassifications found it: the history `relwatch diff` reads.",
        "columns": {
            "id": "Row id, in the order events were recorded.",
            "sync_run_id": "The sync that found it (sync_runs.id); empty for `relwatch reclassify`.",
            "at": "When it was recorded (UTC).",
            "vendor_id": "The vendor concerned (vendors.id).",
            "type": "new-artifact | new-release | tier-changed | weights-found | licence-changed | gated-changed"
            " | artifact-gone | price-cut | price-rise | model-retired.",
            "source_id": "The source that reported the change, for artifact events.",
            "artifact_id": "The artifact concerned (artifacts.id), for artifact events.",
            "release_id": "The release concerned (releases.id).",
            "subject": "The artifact's external id or the release id, as shown.",
            "old_value": "The value before, e.g. the old tier or licence; for a price event a JSON object of "
            "input and output USD per 1M tokens.",
            "new_value": "The value after; for a price event also `change_pct`, the change of the 3:1 blended price.",
        },
    },
    "price_offers": {
        "description": "One seller's offer of one model: OpenRouter's listings and models.dev providers' models.",
        "columns": {
            "id": "Row id; price_observations.offer_id points here.",
            "offer_key": "`seller|model[:variant]`, unique.",
            "vendor_id": "The vendor whose source reads it (vendors.id).",
            "model_id": "The model as the seller names it, without a `:variant`.",
            "variant": "The seller's variant (`free`, `thinking`, …); a `:free` offer is no price of its base model.",
            "seller": "`openrouter`, or the models.dev provider key.",
            "channel": "first-party (the model's own lab) | host (another provider) | aggregator (OpenRouter).",
            "name": "The seller's display name of the model.",
            "output_modalities": f"What the model outputs (text, image, audio…) {JSON_LIST}.",
            "listed_by": "The source whose complete live listing last held it.",
            "retired_at": "When a complete listing stopped holding it (UTC); empty while listed.",
        },
    },
    "price_observations": {
        "description": "Append-only: an offer's price from when it was first to last observed; a new row only "
        "when the price changes. Stored exactly as the seller wrote it, shown as USD per 1M tokens.",
        "columns": {
            "id": "Row id, in the order rows were written.",
            "offer_id": "The offer (price_offers.id).",
            "components": "Every published price component as an exact decimal string (JSON object): prompt, "
            "completion, cache reads and writes, request, image, web search, reasoning….",
            "unit": "The unit of token components: `USD/token` (OpenRouter) or `USD/1M tokens` (models.dev); "
            "request, image and search prices are USD per unit.",
            "complete": "1 when every component was given; 0 for a ledger's input and output only.",
            "input_per_million": "USD per 1M input tokens, exact; empty when not published or variable.",
            "output_per_million": "USD per 1M output tokens, exact; empty when not published or variable.",
            "first_observed": "When this price was first observed (UTC date or time).",
            "last_observed": "When this price was last observed.",
            "source": "The source that read it: a live catalogue read or a `price-history` ledger.",
        },
    },
    "price_listings": {
        "description": "The size of each price source's last complete catalogue read, to tell a broken read from "
        "models leaving.",
        "columns": {
            "source_id": "The source (sources.id).",
            "offers": "Offers of every author or provider in the catalogue at that read.",
            "read_at": "When it was read (UTC).",
        },
    },
    "sync_runs": {
        "description": "One row per `relwatch sync`: when, what it covered, how it ended.",
        "columns": {
            "id": "Row id, in the order syncs started.",
            "started_at": "When it started (UTC).",
            "finished_at": "When it finished (UTC); empty while running or when it was killed.",
            "status": "running | ok | failed | partial (some sources failed) | interrupted.",
            "vendors": f"The vendors it was asked to sync; empty for all {JSON_LIST}.",
            "mode": "live | record (live, also saving responses) | replay (from saved responses).",
            "sources_ok": "Sources read completely.",
            "sources_failed": "Sources that failed.",
            "sources_skipped": "Sources skipped, e.g. a host asked to wait.",
        },
    },
    "source_runs": {
        "description": "One row per source per sync: its requests, traffic and what it changed.",
        "columns": {
            "id": "Row id.",
            "sync_run_id": "The sync (sync_runs.id).",
            "source_id": "The source (sources.id).",
            "started_at": "When this source started (UTC).",
            "finished_at": "When it finished (UTC).",
            "status": "ok | failed | waiting (the host asked to wait) | skipped.",
            "requests": "HTTP requests made.",
            "not_modified": "Of those, answered 304 Not Modified (nothing new on that page).",
            "bytes": "Response body bytes received.",
            "pages": "Pages read.",
            "items": "Items the pages held.",
            "new": "Artifacts seen for the first time.",
            "updated": "Artifacts whose content changed.",
            "gone": "Artifacts a complete listing no longer held.",
            "suspect": "Why the result looks wrong, e.g. 'returned 0 items, 40 last time'.",
            "error": "The failure, in one line.",
            "shared": "Pages answered by another source's response to the same URL in the same sync.",
            "listing": (
                "full (read to its end) | incremental (a Hub listing read until it reached what was stored) | "
                "incomplete (it did not end: a page cap, a loop, GitHub's 1,000-result limit); only full marks gone."
            ),
            "incomplete": "Why the listing did not end, e.g. 'pagination runs past 1000 pages (max_pages) at URL'.",
            "skipped": "Items that could not be read (impossible date, bad id, number out of range) and were left out.",
            "skipped_reasons": "The first reasons items were skipped " + JSON_LIST + ".",
            "accepted_at": "When `relwatch sources accept` accepted this run's drop as permanent (UTC).",
        },
    },
    "digest_cursors": {
        "description": "What `relwatch diff --since delivered` last delivered, per set of vendors.",
        "columns": {
            "name": "The vendors the digest covers: 'all', or their keys joined by commas; 'pending:' "
            "before them for the digest written and not yet confirmed (diff --confirm-delivered).",
            "event_id": "The last event delivered (events.id); the next digest starts after it.",
            "delivered_at": "When that digest was written (UTC).",
        },
    },
    "hub_lookups": {
        "description": (
            "Hub repositories that a catalogue entry points at (OpenRouter's hugging_face_id, a models.dev weights "
            "link) and no stored listing holds: their model info is asked for once, stored as an artifact of the "
            "source '<vendor>/huggingface-lookup/catalogue', and asked again only after a failed answer ages."
        ),
        "columns": {
            "repo_id": "The repository, e.g. 'MiniMaxAI/MiniMax-M1-80k'.",
            "vendor_id": "The vendor whose catalogue entry points at it (vendors.id).",
            "checked_at": "When its model info was last asked for (UTC).",
            "outcome": "'found', or why not, e.g. 'HTTP 404 from URL'.",
        },
    },
    "http_validators": {
        "description": (
            "What each page answered last time (ETag, Last-Modified), so the next sync asks "
            "'changed since?' and an unchanged page costs a 304 with no body."
        ),
        "columns": {
            "source_id": "The source (sources.id).",
            "url": "The page's address.",
            "etag": "The ETag it sent.",
            "last_modified": "The Last-Modified it sent.",
            "next_url": "The next page's address it gave, to follow when it answers 304.",
            "item_ids": f"The external ids the page held, still listed when it answers 304 {JSON_LIST}.",
            "fetched_at": "When it was last fetched (UTC).",
        },
    },
    "migrations": {
        "description": "The schema changes applied to this file, in order.",
        "columns": {
            "name": "The migration, e.g. '004_artifact_payloads'.",
            "applied_at": "When it was applied (UTC).",
        },
    },
    # -- tables of the price and adoption step (issue 13): adjust here when they land ----------
    "artifact_metrics": {
        "description": (
            "Adoption series: at most one row per hub artifact per sync day (a second sync the same day updates "
            "that day's row), written in the same transaction as the source's merge and never part of the "
            "artifact's content hash, so changing counts never mark it updated. The series starts with relwatch's "
            "first sync: the hub keeps no public history. An artifact missing from a day's listing has no row "
            "that day."
        ),
        "columns": {
            "artifact_id": "The hub artifact (artifacts.id).",
            "day": "The sync day (YYYY-MM-DD, UTC).",
            "downloads": "The hub's download count that day: Hugging Face's is a rolling 30-day count, not a total.",
            "downloads_all_time": "The hub's all-time download count that day (Hugging Face's downloadsAllTime).",
            "likes": "The hub's like count that day.",
        },
    },
    "derivative_counts": {
        "description": (
            "Community derivatives of an open release: repositories of other owners whose base_model is one of the "
            "release's repositories, from the Hub listing filtered by that base model, counted once per milestone "
            "after the release's open day (+7, +30, +90 days), one row per (release, repository, milestone, "
            "relation). Only direct derivatives count."
        ),
        "columns": {
            "release_id": "The open release (releases.id).",
            "repo": "The release's repository the derivatives name as their base model, e.g. 'google/gemma-3-27b-it'.",
            "relation": (
                "finetune | adapter | quantized | merge, as the derivative's base_model tag says; unspecified when "
                "its tag names no relation."
            ),
            "milestone_days": "Days after the release's open day the count was taken for: 7, 30 or 90.",
            "count": "Repositories of other owners with that relation.",
            "complete": "1 when the whole listing was read; 0 when the per-sync request budget cut it (a floor).",
            "observed_at": "When the count was taken (UTC).",
        },
    },
    "first_month_counts": {
        "description": (
            "What compare reads for first-month downloads, kept from artifact_metrics: per hub repository of an "
            "open release, its counts on its first day with a downloads count from 30 to 37 days after the "
            "release's open day. A row taken for another release or open day is not read; a count written, "
            "changed or removed on a day of that window removes the row, and a sync that counts the repository "
            "writes it again."
        ),
        "columns": {
            "artifact_id": "The hub artifact (artifacts.id).",
            "release_id": "The open release the row was taken for (releases.id).",
            "released": "That release's open day (YYYY-MM-DD).",
            "day": "The first day from 30 to 37 days after it with a downloads count; NULL when none has one.",
            "downloads": "The hub's rolling 30-day download count that day.",
            "downloads_all_time": "The hub's all-time download count that day.",
            "likes": "The hub's like count that day.",
        },
    },
}


def metadata(db_name: str) -> dict[str, object]:
    """Datasette's metadata for a relwatch database served under the name `db_name`.

    `db_name` is the file's stem, as Datasette names it (`relwatch.db` → 'relwatch'). Returns
    `{"title", "description", "databases": {db_name: {"tables": {table: {"description", "columns"}}}}}`,
    the shape of https://docs.datasette.io/en/stable/metadata.html; tables absent from a database are
    ignored by Datasette.
    """
    tables = {
        name: {"description": t["description"], "columns": dict(t["columns"])} for name, t in DESCRIPTIONS.items()
    }
    return {
        "title": "relwatch",
        "description": "AI model releases by vendor: who ships open weights, who keeps models closed.",
        "databases": {db_name: {"tables": tables}},
    }


def write_metadata(path: Path, db_name: str = "relwatch") -> Path:
    """Write `metadata(db_name)` as JSON to `path` (UTF-8) and return `path`.

    Raises `OSError` when the file cannot be written.
    """
    path.write_text(json.dumps(metadata(db_name), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
