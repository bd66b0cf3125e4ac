"""What reclassification reads and writes, and a release with its artifacts (`show`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from relwatch.errors import UsageError
from relwatch.models import EventType
from relwatch.store.core import Database

# The artifact columns classification reads.
ARTIFACT_FIELDS = (
    "id, vendor_id, kind, external_id, name, url, date, date_kind, licence, licence_link, gated, parameters, "
    "base_models, tier_hint, weights_ref, family_hint, extra, pipeline_tag, first_seen, gone_at, "
    "release_id, family, tier, tier_reason, licence_class, derivative_of"
)
# The artifact columns classification writes, in the order of `classify.Label.as_row`.
LABEL_COLUMNS = ("release_id", "family", "tier", "tier_reason", "licence_class", "derivative_of")
RELEASE_JSON_COLUMNS = ("licences", "kinds", "pipeline_tags", "evidence")


@dataclass(frozen=True, slots=True)
class ReleaseEvent:
    """A change to one release: `new-release` (new_value: its tier) or `tier-changed`."""

    type: EventType
    release_id: str
    old_value: str | None
    new_value: str | None


class ReleaseTables(Database):
    """Releases and artifact labels, one vendor at a time."""

    def vendor_artifacts(self, vendor: str) -> list[dict[str, Any]]:
        """Every artifact of the vendor (gone ones included), with ARTIFACT_FIELDS."""
        return self.rows(f"SELECT {ARTIFACT_FIELDS} FROM artifacts WHERE vendor_id = ?", (vendor,))

    def release_tiers(self, vendor: str) -> dict[str, str | None]:
        """The vendor's stored releases: id → tier."""
        return {
            row[0]: row[1] for row in self.conn.execute("SELECT id, tier FROM releases WHERE vendor_id = ?", (vendor,))
        }

    def replace_vendor_releases(
        self,
        vendor: str,
        *,
        relabelled: list[tuple[Any, ...]],
        releases: list[dict[str, Any]],
        events: list[ReleaseEvent],
        sync_run_id: int | None,
        at: str,
    ) -> None:
        """In one transaction: write the changed labels (each the LABEL_COLUMNS values followed by
        the artifact id), replace the vendor's releases by `releases` (rows by column name, all
        with the same columns) and record the events."""
        with self.transaction() as conn:
            conn.executemany(
                f"UPDATE artifacts SET {', '.join(f'{c} = ?' for c in LABEL_COLUMNS)} WHERE id = ?", relabelled
            )
            conn.execute("DELETE FROM releases WHERE vendor_id = ?", (vendor,))
            if releases:
                columns = list(releases[0])
                conn.executemany(
                    f"INSERT INTO releases ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                    [tuple(row.values()) for row in releases],
                )
            conn.executemany(
                "INSERT INTO events (sync_run_id, at, vendor_id, type, release_id, subject, old_value, new_value) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (sync_run_id, at, vendor, str(e.type), e.release_id, e.release_id, e.old_value, e.new_value)
                    for e in events
                ],
            )

    def release_detail(self, release_id: str) -> dict[str, Any] | None:
        """The release row (JSON columns decoded) with its `artifacts`, oldest first; None if none."""
        rows = self.rows("SELECT * FROM releases WHERE id = ?", (release_id,))
        if not rows:
            return None
        release = rows[0]
        for key in RELEASE_JSON_COLUMNS:
            release[key] = json.loads(release[key])
        release["artifacts"] = self.rows(
            "SELECT kind, external_id, date, date_kind, tier, tier_reason, licence, gated, parameters, url "
            "FROM artifacts WHERE release_id = ? ORDER BY date IS NULL, date, external_id",
            (release_id,),
        )
        return release

    def release_modalities(self, vendors: list[str]) -> dict[str, dict[str, list[str]]]:
        """What the vendors' artifacts state about each release's modalities: release id →
        {"pipeline_tags": Hub tags, "inputs": catalogue input modalities, "outputs": catalogue output
        modalities} (OpenRouter `architecture`, models.dev `modalities`, both kept in `extra`)."""
        found: dict[str, dict[str, set[str]]] = {}
        marks = ", ".join("?" for _ in vendors)
        for release_id, tag, inputs, outputs in self.conn.execute(
            "SELECT release_id, pipeline_tag, json_extract(extra, '$.input_modalities'), "
            "json_extract(extra, '$.output_modalities') FROM artifacts "
            f"WHERE release_id IS NOT NULL AND gone_at IS NULL AND vendor_id IN ({marks})",
            vendors,
        ):
            stated = found.setdefault(release_id, {"pipeline_tags": set(), "inputs": set(), "outputs": set()})
            if tag:
                stated["pipeline_tags"].add(tag)
            for key, value in (("inputs", inputs), ("outputs", outputs)):
                values = json.loads(value) if value else []
                if isinstance(values, list):
                    stated[key].update(v for v in values if isinstance(v, str))
        return {rid: {key: sorted(values) for key, values in stated.items()} for rid, stated in found.items()}

    def find_release(self, wanted: str) -> dict[str, Any]:
        """The release `wanted` names, by id or by family key (in any case), as `release_detail`.

        Raises UsageError when nothing matches or a family names releases of several vendors.
        """
        detail = self.release_detail(wanted)
        if detail is not None:
            return detail
        matches = [
            row[0]
            for row in self.conn.execute("SELECT id FROM releases WHERE family = ? ORDER BY id", (wanted.lower(),))
        ]
        if len(matches) > 1:
            raise UsageError(f"'{wanted}' matches several releases: {', '.join(matches)}")
        found = self.release_detail(matches[0]) if matches else None
        if found is None:
            raise UsageError(f"no release '{wanted}' (try `relwatch list --family {wanted}`)")
        return found
