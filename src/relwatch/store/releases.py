"""What reclassification reads and writes, and a release with its artifacts (`show`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from relwatch.errors import RelwatchError, UsageError
from relwatch.models import EventType, Release, ReleaseArtifact, ReleaseDetail
from relwatch.store.core import Database

DATE_START = re.compile(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?")
# The artifact columns classification reads.
ARTIFACT_FIELDS = (
    "id, vendor_id, kind, external_id, name, url, date, date_kind, licence, licence_link, gated, parameters, "
    "base_models, tier_hint, weights_ref, family_hint, extra, pipeline_tag, first_seen, gone_at, "
    "release_id, family, tier, tier_reason, licence_class, derivative_of"
)
# The artifact columns classification writes, in the order of `classify.Label.as_row`.
LABEL_COLUMNS = ("release_id", "family", "tier", "tier_reason", "licence_class", "derivative_of")


def readable_day(value: object) -> bool:
    """Whether a stored date (YYYY, YYYY-MM, YYYY-MM-DD, or an ISO 8601 time) starts with a real
    calendar day, as classification reads it (a month reads as its first day)."""
    if not isinstance(value, str) or not DATE_START.match(value):
        return False
    try:
        date.fromisoformat(value[:10] if len(value) > 7 else value[:7] + "-01")
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class ReleaseEvent:
    """A change to one release: `new-release` (new_value: its tier), `tier-changed`, or
    `weights-found` (a move to open weights on evidence dated before relwatch saw it closed)."""

    type: EventType
    release_id: str
    old_value: str | None
    new_value: str | None


class ReleaseTables(Database):
    """Releases and artifact labels, one vendor at a time."""

    def vendor_artifacts(self, vendor: str) -> list[dict[str, Any]]:
        """Every artifact of the vendor (gone ones included), with ARTIFACT_FIELDS.

        A stored `date` or `first_seen` that is no calendar day (2025-02-30, written by an older
        relwatch or by hand) reads as None, and a line naming it goes to `warnings`: nothing stored
        can make reclassification fail.
        """
        rows = self.rows(f"SELECT {ARTIFACT_FIELDS} FROM artifacts WHERE vendor_id = ?", (vendor,))
        readable: dict[object, bool] = {}  # one check per distinct value: a sync's rows share `first_seen`
        for row in rows:
            for column in ("date", "first_seen"):
                value = row[column]
                if value is None:
                    continue
                if value not in readable:
                    readable[value] = readable_day(value)
                if not readable[value]:
                    what = f"artifact {row['external_id']!r} of {vendor}"
                    self.warnings.append(f"{what}: stored {column} {row[column]!r} is not a day; ignored")
                    row[column] = None
        return rows

    def vendor_release_rows(self, vendor: str) -> list[dict[str, Any]]:
        """The vendor's stored `releases` rows by column name, in the order they were written
        (`replace_vendor_releases` writes them in the order it is given)."""
        return self.rows("SELECT * FROM releases WHERE vendor_id = ? ORDER BY rowid", (vendor,))

    def previous_read(self, vendor: str, sync_run_id: int | None) -> str | None:
        """When a source of the vendor last read successfully in another sync than `sync_run_id`
        (ISO 8601 UTC; a replay's reads are dated by its recording); None before any."""
        row = self.conn.execute(
            "SELECT max(r.finished_at) FROM source_runs r JOIN sources s ON s.id = r.source_id "
            "WHERE s.vendor_id = ? AND r.status = 'ok' AND r.sync_run_id IS NOT ?",
            (vendor, sync_run_id),
        ).fetchone()
        return row[0] if row else None

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

    def release_detail(self, release_id: str) -> ReleaseDetail | None:
        """The release with its artifacts, oldest first; None if there is no such release."""
        rows = self.rows("SELECT * FROM releases WHERE id = ?", (release_id,))
        if not rows:
            return None
        artifacts = self.rows(
            "SELECT kind, external_id, date, date_kind, tier, tier_reason, licence, gated, parameters, url "
            "FROM artifacts WHERE release_id = ? ORDER BY date IS NULL, date, external_id",
            (release_id,),
        )
        for artifact in artifacts:
            artifact["gated"] = None if artifact["gated"] is None else bool(artifact["gated"])
        return ReleaseDetail(release=Release.from_row(rows[0]), artifacts=[ReleaseArtifact(**a) for a in artifacts])

    def release_modalities(self, vendors: list[str]) -> dict[str, dict[str, list[str]]]:
        """What the vendors' artifacts state about each release's modalities: release id →
        {"pipeline_tags": Hub tags, "inputs": catalogue input modalities, "outputs": catalogue output
        modalities, "signatures": one `inputs->outputs` per catalogue model} (OpenRouter
        `architecture`, models.dev `modalities`, both kept in `extra`; OpenRouter's `modality`
        string where the lists are missing, as in its captures before mid-2025)."""
        found: dict[str, dict[str, set[str]]] = {}
        marks = ", ".join("?" for _ in vendors)
        for release_id, tag, inputs, outputs, signature in self.conn.execute(
            "SELECT release_id, pipeline_tag, json_extract(extra, '$.input_modalities'), "
            "json_extract(extra, '$.output_modalities'), json_extract(extra, '$.modality') FROM artifacts "
            f"WHERE release_id IS NOT NULL AND gone_at IS NULL AND vendor_id IN ({marks})",
            vendors,
        ):
            stated = found.setdefault(
                release_id, {"pipeline_tags": set(), "inputs": set(), "outputs": set(), "signatures": set()}
            )
            if tag:
                stated["pipeline_tags"].add(tag)
            lists = {key: _strings(value) for key, value in (("inputs", inputs), ("outputs", outputs))}
            for key, values in lists.items():
                stated[key].update(values)
            if lists["outputs"]:
                stated["signatures"].add("+".join(sorted(lists["inputs"])) + "->" + "+".join(sorted(lists["outputs"])))
            elif isinstance(signature, str) and "->" in signature:
                stated["signatures"].add(signature)
        return {rid: {key: sorted(values) for key, values in stated.items()} for rid, stated in found.items()}

    def find_release(self, wanted: str) -> ReleaseDetail:
        """The release `wanted` names, as `release_detail`. Tried in turn: the release id; a vendor
        key or alias before the slash (`qwen/qwen3` → `alibaba/qwen3`); an artifact's id (a Hub
        repository `google/gemma-3-27b-it`, a catalogue id); a family key; a release name
        (`Gemma 3`); all in any case.

        Raises UsageError when nothing matches (suggesting close ids and names, difflib) or when
        the first rule that matches names releases of several vendors.
        """
        detail = self.release_detail(wanted)
        if detail is not None:
            return detail
        for matches in self._release_candidates(wanted):
            if len(matches) > 1:
                raise UsageError(f"{_quoted(wanted)} matches several releases: {', '.join(matches)}")
            if matches:
                found = self.release_detail(matches[0])
                if found is not None:
                    return found
        raise UsageError(f"no release {_quoted(wanted)}{self._suggestion(wanted)}")

    def _release_candidates(self, wanted: str) -> Iterator[list[str]]:
        """The release ids each rule of `find_release` gives, in order, lazily."""
        lowered = wanted.strip().lower()
        prefix, slash, rest = lowered.partition("/")
        if slash:
            try:
                keys = self.resolve_vendors([prefix])
            except RelwatchError:
                keys = []
            yield [f"{key}/{rest}" for key in keys if self.release_detail(f"{key}/{rest}") is not None]
        yield self._ids(
            "SELECT DISTINCT release_id FROM artifacts WHERE lower(external_id) = ? AND release_id IS NOT NULL "
            "ORDER BY release_id",
            lowered,
        )
        yield self._ids("SELECT id FROM releases WHERE family = ? ORDER BY id", lowered)
        yield self._ids("SELECT id FROM releases WHERE lower(name) = ? ORDER BY id", lowered)

    def _ids(self, sql: str, value: str) -> list[str]:
        return [row[0] for row in self.conn.execute(sql, (value,))]

    def _suggestion(self, wanted: str) -> str:
        """`; did you mean 'google/gemma-3' (Gemma 3)?` from the close ids and names, or a hint."""
        from difflib import get_close_matches

        named: dict[str, str] = {}
        for release_id, name in self.conn.execute("SELECT id, name FROM releases ORDER BY id"):
            for key in (release_id.lower(), release_id.split("/", 1)[1].lower(), name.lower()):
                named.setdefault(key, release_id)
        names = dict(self.conn.execute("SELECT id, name FROM releases"))
        close = get_close_matches(wanted.strip().lower(), list(named), n=6, cutoff=0.6)
        ids = list(dict.fromkeys(named[match] for match in close))[:3]
        if not ids:
            return " (try `relwatch list` for the ids)"
        return "; did you mean " + " or ".join(f"'{i}' ({names[i]})" for i in ids) + "?"


def _strings(value: str | None) -> list[str]:
    """A JSON list of strings kept in `extra` → its strings; anything else → []."""
    values = json.loads(value) if value else []
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _quoted(value: str) -> str:
    """A user's value in quotes on one line (control characters escaped), for a message."""
    from relwatch.render import one_line

    return "'" + one_line(value) + "'"
