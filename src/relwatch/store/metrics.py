"""The adoption series: hub counts per artifact and day, derivative counts per open release.

`artifact_metrics` holds at most one row per artifact per day (a second sync the same day
overwrites that day's row); `derivative_counts` one row per (release, repository, milestone,
relation); `first_month_counts` one row per hub repository of an open release, its counts on its
first counted day of that release's first month, so that `compare` seeks into the daily series
only for a repository without one (migration 012). Reads return the record types of
`relwatch.value` (Metric, DerivativeCount, OpenRelease), so `compare` passes them on as they are.
Days are `YYYY-MM-DD` (UTC).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relwatch.models import WEIGHTS_TIERS
from relwatch.store.core import Database

if TYPE_CHECKING:  # loaded by the reads that build them: `list` and `show` start without the analysis core
    from relwatch.value import DerivativeCount, Metric, OpenRelease

HUB_KIND = "huggingface"
_WEIGHTS = tuple(sorted(t.value for t in WEIGHTS_TIERS))
_TIER_IN = ", ".join(f"'{t}'" for t in _WEIGHTS)

# Every hub repository of an open release, with the day its weights came out (first_open_at,
# else the release's date), kept only when that is a whole day.
_OPEN_REPOS = f"""
SELECT r.id AS release_id, r.vendor_id AS vendor, substr(coalesce(r.first_open_at, r.date), 1, 10) AS released,
       a.id AS artifact_id, a.source_id, a.external_id AS repo
FROM releases r JOIN artifacts a ON a.release_id = r.id
WHERE r.tier IN ({_TIER_IN}) AND a.kind = '{HUB_KIND}' AND a.gone_at IS NULL AND a.derivative_of IS NULL
  AND length(coalesce(r.first_open_at, r.date)) >= 10
"""

# A hub repository's first day with a downloads count in its release's first month
# (value.FIRST_MONTH_DAYS = 30 days after the open day, + MILESTONE_SLACK_DAYS = 7): one seek into
# the series (`o`: a row of _OPEN_REPOS). Migration 012 and its triggers take the same window.
_FIRST_COUNTED_DAY = """
SELECT min(x.day) FROM artifact_metrics x WHERE x.artifact_id = o.artifact_id
  AND x.day BETWEEN date(o.released, '+30 days') AND date(o.released, '+37 days') AND x.downloads IS NOT NULL
"""

# The first-month row of each open hub repository among {artifacts} (a SELECT of artifact ids)
# that has none for its release and open day, from the series (migration 012).
_FIRST_MONTH_WRITE = f"""
INSERT OR REPLACE INTO first_month_counts (artifact_id, release_id, released, day, downloads, downloads_all_time, likes)
SELECT o.artifact_id, o.release_id, o.released, m.day, m.downloads, m.downloads_all_time, m.likes
FROM ({_OPEN_REPOS} AND a.id IN ({{artifacts}})) o
LEFT JOIN artifact_metrics m ON m.artifact_id = o.artifact_id AND m.day = ({_FIRST_COUNTED_DAY})
WHERE NOT EXISTS (
    SELECT 1 FROM first_month_counts f WHERE f.artifact_id = o.artifact_id AND f.release_id = o.release_id
      AND f.released = o.released)
"""

# The counts of each open repository that `{where}` keeps (a filter of `o`) on its first counted
# day of its release's first month: its stored row's (migration 012) when it has one for its release
# and open day, else one seek into the series for that day and the series' counts on it; a
# repository with no count in its first month is left out.
_FIRST_MONTH_READ = f"""
WITH i AS (
  SELECT o.release_id, o.repo, o.artifact_id, f.artifact_id IS NOT NULL AS stored,
         CASE WHEN f.artifact_id IS NULL THEN ({_FIRST_COUNTED_DAY}) ELSE f.day END AS day,
         f.downloads, f.downloads_all_time, f.likes
  FROM ({_OPEN_REPOS}) o LEFT JOIN first_month_counts f ON f.artifact_id = o.artifact_id
       AND f.release_id = o.release_id AND f.released = o.released
  WHERE {{where}})
SELECT i.release_id, i.repo, i.day,
       CASE WHEN i.stored THEN i.downloads ELSE m.downloads END,
       CASE WHEN i.stored THEN i.downloads_all_time ELSE m.downloads_all_time END,
       CASE WHEN i.stored THEN i.likes ELSE m.likes END
FROM i LEFT JOIN artifact_metrics m ON m.artifact_id = i.artifact_id
     AND m.day = CASE WHEN i.stored THEN NULL ELSE i.day END
WHERE i.day IS NOT NULL
"""

# The staged artifacts of source `:sid` that carry counts, joined to their stored rows `a`.
_STAGED_COUNTED = (
    "FROM temp.staged_artifacts s JOIN artifacts a ON a.source_id = s.source_id AND a.external_id = s.external_id "
    "WHERE s.source_id = :sid AND (s.downloads IS NOT NULL OR s.likes IS NOT NULL)"
)

_METRIC_UPSERT = """
INSERT INTO artifact_metrics (artifact_id, day, downloads, downloads_all_time, likes) {select}
ON CONFLICT (artifact_id, day) DO UPDATE SET
    downloads = coalesce(excluded.downloads, downloads),
    downloads_all_time = coalesce(excluded.downloads_all_time, downloads_all_time),
    likes = coalesce(excluded.likes, likes)
WHERE coalesce(excluded.downloads, downloads) IS NOT downloads
   OR coalesce(excluded.downloads_all_time, downloads_all_time) IS NOT downloads_all_time
   OR coalesce(excluded.likes, likes) IS NOT likes
"""


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenRepo:
    """One hub repository of an open release: where it was listed and the release's open day."""

    release: str
    vendor: str
    released: str  # YYYY-MM-DD
    artifact_id: int
    source_id: str
    repo: str


class AdoptionTables(Database):
    """Writes and reads of `artifact_metrics`, `first_month_counts` and `derivative_counts`."""

    def record_staged_metrics(self, source_id: str, day: str) -> int:
        """Upsert the day's counts of every staged artifact of `source_id` that carries `downloads`
        or `likes` (with `downloadsAllTime` from its payload); rows written. Artifacts of sources
        without counts (catalogues, pages) are passed over without reading their payloads.

        Runs inside the caller's transaction, after the source's artifacts were merged (the
        staged rows are still there): the series and the merge commit together, and so do the
        first-month rows of those artifacts (`record_first_month_counts`).
        """
        select = f"SELECT a.id, :day, s.downloads, json_extract(s.raw, '$.downloadsAllTime'), s.likes {_STAGED_COUNTED}"
        written = self.conn.execute(_METRIC_UPSERT.format(select=select), {"sid": source_id, "day": day}).rowcount
        self.record_first_month_counts(source_id)
        return written

    def record_metric(
        self, artifact_id: int, day: str, *, downloads: int | None, downloads_all_time: int | None, likes: int | None
    ) -> None:
        """Upsert one artifact's counts for `day` (a count given as None keeps the stored one), and
        its first-month row when it has none for its release and open day."""
        with self.transaction():
            self.conn.execute(
                _METRIC_UPSERT.format(select="VALUES (:id, :day, :downloads, :all_time, :likes)"),
                {"id": artifact_id, "day": day, "downloads": downloads, "all_time": downloads_all_time, "likes": likes},
            )
            self._write_first_month(":id", {"id": artifact_id})

    def open_repos(self, source_ids: Sequence[str], since: str) -> list[OpenRepo]:
        """The hub repositories of open releases listed by `source_ids` and opened on or after
        `since` (YYYY-MM-DD: the polls of older releases are past), by release then repo. Only
        those are read, so a database of a million repositories is not held in memory."""
        marks = ", ".join("?" for _ in source_ids)
        cursor = self.conn.execute(
            f"SELECT release_id, vendor, released, artifact_id, source_id, repo FROM ({_OPEN_REPOS}) "
            f"WHERE source_id IN ({marks}) AND released >= ? ORDER BY release_id, repo",
            (*source_ids, since),
        )
        return [
            OpenRepo(release=release, vendor=vendor, released=day, artifact_id=artifact, source_id=source, repo=repo)
            for release, vendor, day, artifact, source, repo in cursor
        ]

    def metric_days(self, artifact_id: int, first: str, last: str) -> list[str]:
        """The days in [first, last] on which the artifact has a `downloads` count."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT day FROM artifact_metrics WHERE artifact_id = ? AND day BETWEEN ? AND ? "
                "AND downloads IS NOT NULL",
                (artifact_id, first, last),
            )
        ]

    def derivative_polls_done(self) -> set[tuple[str, str, int]]:
        """(release, repo, milestone days) of every derivative count stored."""
        return {
            (row[0], row[1], row[2])
            for row in self.conn.execute("SELECT DISTINCT release_id, repo, milestone_days FROM derivative_counts")
        }

    def save_derivative_counts(
        self,
        *,
        release: str,
        repo: str,
        milestone: int,
        counts: Mapping[str, int],
        complete: bool,
        observed_at: str,
    ) -> None:
        """Store one repository's derivative counts at a milestone, one row per relation in `counts`
        (zeros included, so that a poll that found none is not repeated)."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO derivative_counts (release_id, repo, relation, milestone_days, count, "
                "complete, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(release, repo, relation, milestone, n, int(complete), observed_at) for relation, n in counts.items()],
            )

    # -- the records of relwatch.value ----------------------------------------------------

    def open_releases(self, vendors: Sequence[str]) -> list[OpenRelease]:
        """The vendors' open releases with a whole-day open date, each with its hub repositories."""
        from relwatch.value import OpenRelease

        marks = ", ".join("?" for _ in vendors)
        rows = self.rows(
            f"SELECT release_id, vendor, released, repo FROM ({_OPEN_REPOS}) WHERE vendor IN ({marks}) "
            "ORDER BY release_id, repo",
            tuple(vendors),
        )
        grouped: dict[str, dict[str, Any]] = {}
        for row in rows:
            entry = grouped.setdefault(row["release_id"], {"vendor": row["vendor"], "released": row["released"]})
            entry.setdefault("repos", []).append(row["repo"])
        return [
            OpenRelease(vendor=e["vendor"], release=key, released=e["released"], artifacts=tuple(e["repos"]))
            for key, e in grouped.items()
        ]

    def first_month_metrics(self, vendors: Sequence[str], start: str, end: str) -> list[Metric]:
        """The counts `value.first_month_downloads` reads, and no others: for each open release of
        the vendors opened in [start, end], its repositories' counts on the first day from
        `released + FIRST_MONTH_DAYS` to `released + FIRST_MONTH_DAYS + MILESTONE_SLACK_DAYS` that
        has a `downloads` count for any of them. `Metric.artifact` is the repository id."""
        return [metric for _, metric in self.first_month_counts(vendors, start, end)]

    def first_month_counts(self, vendors: Sequence[str], start: str, end: str) -> list[tuple[str, Metric]]:
        """`first_month_metrics`, each with the id of its release, by repository. Each repository's
        first counted day in the range is its stored first-month row (migration 012), or, for a
        repository without one for its release and open day, one seek into the series; a
        repository whose first counted day is later than its release's has no count on that day."""
        from relwatch.value import Metric

        where = f"o.vendor IN ({', '.join('?' for _ in vendors)}) AND o.released BETWEEN ? AND ?"
        rows = self.conn.execute(_FIRST_MONTH_READ.format(where=where), (*vendors, start, end)).fetchall()
        first: dict[str, str] = {}  # release id → its repositories' earliest first counted day
        for release, _, day, *_ in rows:
            first[release] = min(first.get(release, day), day)
        rows.sort(key=lambda row: row[1])
        return [
            (release, Metric(artifact=repo, day=day, downloads=downloads, downloads_all_time=all_time, likes=likes))
            for release, repo, day, downloads, all_time, likes in rows
            if day == first[release]
        ]

    def record_first_month_counts(self, source_id: str) -> int:
        """Store the first-month row (migration 012) of each open hub repository staged for
        `source_id` with counts that has none for its release and open day: new, moved to another
        release, or removed by the day's count falling inside its first month. Rows written.

        Runs inside the caller's transaction, after the day's counts (`record_staged_metrics`).
        """
        return self._write_first_month(f"SELECT a.id {_STAGED_COUNTED}", {"sid": source_id})

    def complete_first_month_counts(self) -> int:
        """Store the first-month row of every open hub repository that has none for its release
        and open day, as the syncs that wrote its counts would have: for counts written outside
        the store (a restored or generated series). Rows written."""
        with self.transaction():
            return self._write_first_month("SELECT id FROM artifacts", {})

    def _write_first_month(self, artifacts: str, params: Mapping[str, Any]) -> int:
        """The first-month rows of the open hub repositories among `artifacts` (a SELECT of artifact ids)."""
        return self.conn.execute(_FIRST_MONTH_WRITE.format(artifacts=artifacts), params).rowcount

    def artifact_metrics(self, repos: Sequence[str], start: str, end: str) -> list[Metric]:
        """Every stored count of the hub repositories `repos` on days in [start, end], by repo then day."""
        from relwatch.value import Metric

        marks = ", ".join("?" for _ in repos)
        rows = self.conn.execute(
            "SELECT a.external_id, m.day, m.downloads, m.downloads_all_time, m.likes FROM artifact_metrics m "
            f"JOIN artifacts a ON a.id = m.artifact_id WHERE a.kind = '{HUB_KIND}' AND a.external_id IN ({marks}) "
            "AND m.day BETWEEN ? AND ? ORDER BY a.external_id, m.day",
            (*repos, start, end),
        )
        return [
            Metric(artifact=repo, day=day, downloads=downloads, downloads_all_time=all_time, likes=likes)
            for repo, day, downloads, all_time, likes in rows
        ]

    def derivative_records(self, vendors: Sequence[str]) -> list[DerivativeCount]:
        """The derivative counts of the vendors' releases per (release, milestone), summed over the
        release's repositories by relation; `counted_on` is the latest poll's day."""
        from relwatch.value import DerivativeCount

        marks = ", ".join("?" for _ in vendors)
        rows = self.conn.execute(
            "SELECT d.release_id, d.milestone_days, d.relation, sum(d.count), max(d.observed_at) "
            "FROM derivative_counts d JOIN releases r ON r.id = d.release_id "
            f"WHERE r.vendor_id IN ({marks}) GROUP BY d.release_id, d.milestone_days, d.relation "
            "ORDER BY d.release_id, d.milestone_days, d.relation",
            tuple(vendors),
        )
        grouped: dict[tuple[str, int], tuple[dict[str, int], str]] = {}
        for release, milestone, relation, count, observed in rows:
            relations, latest = grouped.get((release, milestone), ({}, ""))
            relations[relation] = count
            grouped[(release, milestone)] = (relations, max(latest, observed))
        return [
            DerivativeCount(release=release, milestone=milestone, counted_on=latest[:10], by_relation=relations)
            for (release, milestone), (relations, latest) in grouped.items()
        ]
