"""Hub look-ups: which repositories catalogues point at that no listing stored, and what asking
for them gave (`hub_lookups`)."""

from __future__ import annotations

import json

from relwatch.store.core import Database


class HubLookups(Database):
    """Reads and writes of `hub_lookups` and of the look-up sources their artifacts belong to."""

    def weights_refs(self, vendors: list[str]) -> list[tuple[str, str]]:
        """(vendor, repo id) of every catalogue entry of `vendors` that is not gone and points at
        Hub weights (`weights_ref`), in vendor and repo order."""
        marks = ", ".join("?" for _ in vendors)
        return [
            (row[0], row[1])
            for row in self.conn.execute(
                "SELECT DISTINCT vendor_id, weights_ref FROM artifacts WHERE weights_ref IS NOT NULL "
                f"AND gone_at IS NULL AND kind NOT IN ('huggingface', 'modelscope') AND vendor_id IN ({marks}) "
                "ORDER BY vendor_id, weights_ref",
                vendors,
            )
        ]

    def stored_hub_repos(self) -> set[str]:
        """Every Hugging Face repository id stored (any source, gone or not), lower-case."""
        return {
            row[0] for row in self.conn.execute("SELECT lower(external_id) FROM artifacts WHERE kind = 'huggingface'")
        }

    def recent_lookups(self, since: str) -> set[str]:
        """Repositories (lower-case) asked for at or after `since` (ISO 8601 UTC), whatever the answer."""
        rows = self.conn.execute("SELECT lower(repo_id) FROM hub_lookups WHERE checked_at >= ?", (since,))
        return {row[0] for row in rows}

    def record_lookups(self, outcomes: list[tuple[str, str, str, str]]) -> None:
        """Remember (repo id, vendor, checked_at, outcome) of each look-up, inside the caller's transaction."""
        self.conn.executemany(
            "INSERT INTO hub_lookups (repo_id, vendor_id, checked_at, outcome) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (repo_id) DO UPDATE SET vendor_id = excluded.vendor_id, "
            "checked_at = excluded.checked_at, outcome = excluded.outcome",
            outcomes,
        )

    def ensure_source(self, source_id: str, vendor: str, kind: str, base_url: str) -> None:
        """A `sources` row for a source relwatch keeps itself (not in sources.toml), if missing."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO sources (id, vendor_id, kind, base_url, options) VALUES (?, ?, ?, ?, ?)",
                (source_id, vendor, kind, base_url, json.dumps({"lookup": True})),
            )
