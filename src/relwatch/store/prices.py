"""Price offers, their append-only observations and price events: writes with a source's merge,
reads for `compare`, `prices` and `report`."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relwatch.models import WEIGHTS_TIERS, EventType
from relwatch.store.metrics import AdoptionTables

if TYPE_CHECKING:  # loaded by the functions that build them: `list` and `show` start without the price model
    from decimal import Decimal

    from relwatch.prices import Observation, Offer, PagePrices, Price, PriceEvent, Quote
    from relwatch.value import Metric, OpenRelease, PricedModel, Records

OPEN_TIERS = frozenset(str(tier) for tier in WEIGHTS_TIERS)
# A model writing any of these is no text model even when it also returns text (Lyria 3 Pro:
# "text+audio"), as relwatch.analysis.CATALOGUE_OUTPUTS reads catalogue modalities.
MEDIA_OUTPUTS = ("image", "audio", "music", "video")
OFFER_COLUMNS = "id, offer_key, vendor_id, model_id, variant, seller, channel, name, output_modalities, retired_at"
OBSERVATION_COLUMNS = (
    "o.offer_id, o.components, o.unit, o.complete, o.input_per_million, o.output_per_million, "
    "o.first_observed, o.last_observed, o.source"
)


@dataclass(frozen=True, kw_only=True, slots=True)
class PriceCounts:
    """What one source's price merge wrote: observation rows added, and events raised."""

    observations: int = 0
    events: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredOffer:
    """An offer row with its vendor, catalogue name, output modalities and retirement (ISO time or None)."""

    offer: Offer
    vendor: str
    name: str | None
    output_modalities: tuple[str, ...]
    retired_at: str | None


def event_values(event: PriceEvent) -> tuple[str | None, str | None]:
    """The `old_value` / `new_value` of a price event: JSON objects of USD per 1M tokens as exact
    decimal strings (`{"input": "1.25", "output": "10"}`), `change_pct` in the new value; both None
    for a retirement (pure)."""
    if event.kind is EventType.MODEL_RETIRED:
        return None, None
    old = {"input": _text(event.old_input), "output": _text(event.old_output)}
    new = {"input": _text(event.new_input), "output": _text(event.new_output), "change_pct": _text(event.change_pct)}
    return json.dumps(old), json.dumps(new)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class PriceTables:
    """The store's price tables (migration 006)."""

    conn: sqlite3.Connection

    def record_prices(
        self,
        conn: sqlite3.Connection,
        *,
        source_id: str,
        vendor: str,
        run_id: int | None,
        reads: Sequence[PagePrices],
        now: str,
        complete: bool,
    ) -> PriceCounts:
        """Record one source's price reads inside the caller's transaction.

        Live quotes are observed at `now` on top of each offer's latest row (`prices.observe`): an
        unchanged price moves `last_observed`, a changed one appends a row and a cut or rise event.
        A ledger's dated observations and events are added once (a re-read adds nothing). When
        `complete`, offers this source listed before and no longer lists get `model-retired`.
        """
        from relwatch.prices import observe

        added = events = 0
        seen: set[str] = set()
        for read in reads:
            for quote in read.quotes:
                if quote.offer.key in seen:
                    continue
                seen.add(quote.offer.key)
                offer_id, retired = self._offer_id(conn, quote.offer, vendor, quote, listed_by=source_id)
                previous = None if retired else self._latest(conn, offer_id, quote.offer)
                step = observe(previous, quote, now, source_id)
                if (
                    step.event is None
                    and previous is not None
                    and (previous.price.complete or not quote.price.complete)
                ):
                    conn.execute(
                        "UPDATE price_observations SET last_observed = max(last_observed, ?) WHERE offer_id = ? "
                        "AND first_observed = ? AND source = ?",
                        (now, offer_id, previous.first_observed, previous.source),
                    )
                else:
                    added += self._insert(conn, offer_id, step.row)
                if step.event is not None:
                    events += self._event(conn, step.event, vendor, source_id, run_id, now)
            for row in read.observations:
                offer_id, _ = self._offer_id(conn, row.offer, vendor, None, listed_by=None)
                added += self._insert(conn, offer_id, row)
                conn.execute(
                    "UPDATE price_observations SET last_observed = max(last_observed, ?) WHERE offer_id = ? "
                    "AND first_observed = ? AND source = ? AND components = ?",
                    (row.last_observed, offer_id, row.first_observed, row.source, _components(row.price)),
                )
            for event in read.events:
                events += self._event(conn, event, vendor, source_id, run_id, event.at, once=True)
        whole = complete and all(read.complete for read in reads)
        catalogue = sum(read.catalogue for read in reads)
        if whole and catalogue and self._steady_catalogue(conn, source_id, catalogue, now):
            events += self._retire(conn, source_id, vendor, run_id, seen, now)
        return PriceCounts(observations=added, events=events)

    def _offer_id(
        self, conn: sqlite3.Connection, offer: Offer, vendor: str, quote: Quote | None, *, listed_by: str | None
    ) -> tuple[int, bool]:
        """The offer's row id, created when new, and whether it was retired; a live read names it,
        lists it and un-retires it."""
        row = conn.execute("SELECT id, retired_at FROM price_offers WHERE offer_key = ?", (offer.key,)).fetchone()
        retired = row is not None and row[1] is not None
        if row is None:
            cursor = conn.execute(
                "INSERT INTO price_offers (offer_key, vendor_id, model_id, variant, seller, channel) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (offer.key, vendor, offer.model_id, offer.variant, offer.seller, str(offer.channel)),
            )
            offer_id = int(cursor.lastrowid or 0)
        else:
            offer_id = int(row[0])
        if quote is not None:
            conn.execute(
                "UPDATE price_offers SET name = coalesce(?, name), output_modalities = ?, listed_by = ?, "
                "retired_at = NULL WHERE id = ?",
                (quote.name, json.dumps(list(quote.output_modalities)), listed_by, offer_id),
            )
        return offer_id, retired

    @staticmethod
    def _steady_catalogue(conn: sqlite3.Connection, source_id: str, offers: int, now: str) -> bool:
        """Whether a complete read of `offers` catalogue offers may retire what it lacks; a steady
        read becomes the size the next one is judged against."""
        from relwatch.sync import suspicion

        row = conn.execute("SELECT offers FROM price_listings WHERE source_id = ?", (source_id,)).fetchone()
        if suspicion(offers, None if row is None else int(row[0])) is not None:
            return False
        conn.execute(
            "INSERT INTO price_listings (source_id, offers, read_at) VALUES (?, ?, ?) ON CONFLICT (source_id) "
            "DO UPDATE SET offers = excluded.offers, read_at = excluded.read_at",
            (source_id, offers, now),
        )
        return True

    @staticmethod
    def _latest(conn: sqlite3.Connection, offer_id: int, offer: Offer) -> Observation | None:
        row = conn.execute(
            f"SELECT {OBSERVATION_COLUMNS} FROM price_observations o WHERE o.offer_id = ? "
            "ORDER BY o.first_observed DESC, o.id DESC LIMIT 1",
            (offer_id,),
        ).fetchone()
        return None if row is None else _observation(offer, row)

    @staticmethod
    def _insert(conn: sqlite3.Connection, offer_id: int, row: Observation) -> int:
        price = row.price
        inp, out = price.input_per_million, price.output_per_million
        return conn.execute(
            "INSERT OR IGNORE INTO price_observations (offer_id, components, unit, complete, input_per_million, "
            "output_per_million, first_observed, last_observed, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                offer_id,
                _components(price),
                str(price.unit),
                int(price.complete),
                None if inp is None else str(inp),
                None if out is None else str(out),
                row.first_observed,
                row.last_observed,
                row.source,
            ),
        ).rowcount

    @staticmethod
    def _event(
        conn: sqlite3.Connection,
        event: PriceEvent,
        vendor: str,
        source_id: str,
        run_id: int | None,
        at: str,
        *,
        once: bool = False,
    ) -> int:
        old, new = event_values(event)
        subject = event.offer.listing_id
        values = (run_id, at, vendor, str(event.kind), source_id, subject, old, new)
        if (
            once
            and conn.execute(
                "SELECT 1 FROM events WHERE type = ? AND subject = ? AND at = ? AND source_id = ? "
                "AND old_value IS ? AND new_value IS ?",
                (str(event.kind), subject, at, source_id, old, new),
            ).fetchone()
        ):
            return 0
        conn.execute(
            "INSERT INTO events (sync_run_id, at, vendor_id, type, source_id, subject, old_value, new_value) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        return 1

    @staticmethod
    def _retire(
        conn: sqlite3.Connection, source_id: str, vendor: str, run_id: int | None, seen: set[str], now: str
    ) -> int:
        rows = conn.execute(
            "SELECT id, offer_key, model_id, variant FROM price_offers WHERE listed_by = ? AND retired_at IS NULL "
            "ORDER BY offer_key",
            (source_id,),
        ).fetchall()
        gone = [row for row in rows if row[1] not in seen]
        for offer_id, _key, model_id, variant in gone:
            conn.execute("UPDATE price_offers SET retired_at = ? WHERE id = ?", (now, offer_id))
            conn.execute(
                "INSERT INTO events (sync_run_id, at, vendor_id, type, source_id, subject) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    now,
                    vendor,
                    EventType.MODEL_RETIRED.value,
                    source_id,
                    f"{model_id}:{variant}" if variant else model_id,
                ),
            )
        return len(gone)

    def last_price_read(self, vendors: Sequence[str]) -> str | None:
        """The day (YYYY-MM-DD) of the latest price observation of `vendors`, or None."""
        where, params = _vendor_filter(vendors, "p.")
        row = self.conn.execute(
            "SELECT max((SELECT max(o.last_observed) FROM price_observations o WHERE o.offer_id = p.id)) "
            "FROM price_offers p " + where,
            params,
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])[:10]

    def release_output_prices(self, vendors: Sequence[str]) -> dict[str, Decimal]:
        """release id → the highest current output price (USD per 1M tokens) among the offers of its
        catalogue models that output text and no media (MEDIA_OUTPUTS): listed, not a `:free`
        variant, priced by their latest row."""
        where, params = _vendor_filter(vendors, "a.")
        rows = self.conn.execute(
            "SELECT a.release_id, (SELECT o.output_per_million FROM price_observations o WHERE o.offer_id = p.id "
            "ORDER BY o.first_observed DESC, o.id DESC LIMIT 1) FROM artifacts a "
            "JOIN price_offers p ON p.vendor_id = a.vendor_id AND p.model_id = a.external_id "
            f"{where} AND a.kind IN ('openrouter', 'modelsdev') AND a.release_id IS NOT NULL "
            "AND p.variant IS NULL AND p.retired_at IS NULL "
            "AND (p.output_modalities = '[]' OR p.output_modalities LIKE '%\"text\"%') "
            + "".join(f"AND p.output_modalities NOT LIKE '%\"{media}\"%' " for media in MEDIA_OUTPUTS),
            params,
        ).fetchall()
        from decimal import Decimal

        prices: dict[str, Decimal] = {}
        for release_id, price in rows:
            if price is not None:
                prices[release_id] = max(prices.get(release_id, Decimal(0)), Decimal(price))
        return prices

    def release_model_ids(self, release_id: str) -> list[str]:
        """The catalogue model ids (OpenRouter, models.dev) of a release's artifacts."""
        rows = self.conn.execute(
            "SELECT external_id FROM artifacts WHERE release_id = ? AND kind IN ('openrouter', 'modelsdev')",
            (release_id,),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def price_offers(self, vendors: Iterable[str] | None = None) -> list[StoredOffer]:
        """Every offer (of `vendors` when given), by vendor then key."""
        where, params = _vendor_filter(vendors)
        rows = self.conn.execute(
            f"SELECT {OFFER_COLUMNS} FROM price_offers {where} ORDER BY vendor_id, offer_key", params
        ).fetchall()
        return [_stored_offer(row) for row in rows]

    def price_observations(self, vendors: Iterable[str] | None = None) -> dict[str, list[Observation]]:
        """offer key → its observations, oldest first (of `vendors` when given)."""
        where, params = _vendor_filter(vendors, "p.")
        rows = self.conn.execute(
            f"SELECT p.offer_key, p.model_id, p.variant, p.seller, p.channel, {OBSERVATION_COLUMNS} "
            f"FROM price_observations o JOIN price_offers p ON p.id = o.offer_id {where} "
            "ORDER BY p.offer_key, o.first_observed, o.id",
            params,
        ).fetchall()
        return _by_offer(rows)

    def price_observations_on(self, vendors: Sequence[str], days: Sequence[str]) -> dict[str, list[Observation]]:
        """offer key → the observations a figure on any of `days` reads, oldest first: each offer's
        first row (its launch price), its latest row (whether it is still current) and the row in
        effect on each day (first observed on or before it). The same answers as every row would
        give `relwatch.value`, from a few rows per offer and day instead of a year of them."""
        where, params = _vendor_filter(vendors, "p.")
        pick = "SELECT o.id FROM price_observations o WHERE o.offer_id = p.id"
        rows = self.conn.execute(
            "WITH chosen AS (SELECT p.id FROM price_offers p " + where + "), "
            f"picked (id) AS (SELECT ({pick} ORDER BY o.first_observed, o.id LIMIT 1) FROM chosen p "
            f"UNION SELECT ({pick} ORDER BY o.first_observed DESC, o.id DESC LIMIT 1) FROM chosen p "
            f"UNION SELECT ({pick} AND o.first_observed < d.value || 'T99' ORDER BY o.first_observed DESC, o.id DESC "
            "LIMIT 1) FROM chosen p, json_each(?) d) "
            f"SELECT p.offer_key, p.model_id, p.variant, p.seller, p.channel, {OBSERVATION_COLUMNS} "
            "FROM picked JOIN price_observations o ON o.id = picked.id JOIN price_offers p ON p.id = o.offer_id "
            "ORDER BY p.offer_key, o.first_observed, o.id",
            [*params, json.dumps([d[:10] for d in days])],
        ).fetchall()
        return _by_offer(rows)

    def price_events(self, vendors: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Every price-cut, price-rise and model-retired event (of `vendors`), oldest first, as rows."""
        where, params = _vendor_filter(vendors)
        clause = ("AND " + where[len("WHERE ") :]) if where else ""
        rows = self.conn.execute(
            "SELECT id, at, vendor_id, type, source_id, subject, old_value, new_value FROM events "
            f"WHERE type IN (?, ?, ?) {clause} ORDER BY at, id",
            [EventType.PRICE_CUT.value, EventType.PRICE_RISE.value, EventType.MODEL_RETIRED.value, *params],
        ).fetchall()
        keys = ("id", "at", "vendor_id", "type", "source_id", "subject", "old_value", "new_value")
        return [dict(zip(keys, row, strict=True)) for row in rows]


def _components(price: Price) -> str:
    return json.dumps(dict(price.components), sort_keys=True)


def _vendor_filter(vendors: Iterable[str] | None, prefix: str = "") -> tuple[str, list[str]]:
    if vendors is None:
        return "", []
    chosen = list(vendors)
    return f"WHERE {prefix}vendor_id IN ({', '.join('?' for _ in chosen)})", chosen


def _stored_offer(row: Sequence[Any]) -> StoredOffer:
    from relwatch.prices import Channel, Offer

    offer = Offer(model_id=row[3], variant=row[4], seller=row[5], channel=Channel(row[6]))
    return StoredOffer(
        offer=offer, vendor=row[2], name=row[7], output_modalities=tuple(json.loads(row[8])), retired_at=row[9]
    )


def _observation(offer: Offer, row: Sequence[Any]) -> Observation:
    from relwatch.prices import Observation, Price, Unit

    price = Price(components=json.loads(row[1]), unit=Unit(row[2]), complete=bool(row[3]))
    return Observation(offer=offer, price=price, first_observed=row[6], last_observed=row[7], source=row[8])


def model_key(model_id: str) -> str:
    """One name for a model across sellers: the id after its last '/', lower case
    (`google/gemini-2.5-pro` and models.dev `gemini-2.5-pro` are one model) (pure)."""
    return model_id.rsplit("/", 1)[-1].strip().lower()


class ValueRecords(PriceTables, AdoptionTables):
    """What the "price and value" block reads (`relwatch.value.Records`): prices and price events
    from the price tables and the catalogue artifacts, open releases from the releases, and their
    adoption (first-month counts and derivative counts) from the adoption series."""

    def value_records(self, vendors: Sequence[str], days: Sequence[str], since: str = "") -> Records:
        """The records of `vendors` for figures taken on `days` (ISO dates) over windows that start
        on or after `since` (a day; "" for any): `priced_models`; price events; the open releases
        opened since `since`; the first-month counts of those opened up to the last of `days`
        (`first_month_counts`), each release carrying the repositories counted; derivative counts."""
        from relwatch.value import Records  # the analysis core: loaded by the commands that use it

        events = same_changes_once(
            [_price_event(r) for r in self.price_events(vendors) if r["type"] != "model-retired"]
        )
        counts = self.first_month_counts(vendors, since, max(days, default=since))
        return Records(
            models=self.priced_models(vendors, days),
            events=events,
            releases=self._open_releases(vendors, since, counts),
            metrics=[metric for _, metric in counts],
            derivatives=self.derivative_records(vendors),
        )

    def priced_models(self, vendors: Sequence[str], days: Sequence[str]) -> list[PricedModel]:
        """One PricedModel per vendor and model (`model_key`), with the observations of its offers
        that figures taken on `days` (ISO dates) read (`price_observations_on`)."""
        from relwatch.value import PricedModel

        offers = self.price_offers(vendors)
        observations = self.price_observations_on(vendors, days)
        facts = self._catalogue_facts(vendors)
        grouped: dict[tuple[str, str], list[StoredOffer]] = {}
        for stored in offers:
            grouped.setdefault((stored.vendor, model_key(stored.offer.model_id)), []).append(stored)
        models = []
        for (vendor, key), members in grouped.items():
            rows = tuple(row for m in members for row in observations.get(m.offer.key, []))
            released, open_weights = facts.get((vendor, key), (None, False))
            modalities = {mode for m in members for mode in m.output_modalities}
            models.append(
                PricedModel(
                    vendor=vendor,
                    model=key,
                    released=released or min((r.first_observed[:10] for r in rows), default=None),
                    text=not modalities or ("text" in modalities and not modalities & set(MEDIA_OUTPUTS)),
                    open_weights=open_weights,
                    observations=rows,
                )
            )
        return models

    def _catalogue_facts(self, vendors: Sequence[str]) -> dict[tuple[str, str], tuple[str | None, bool]]:
        """(vendor, model key) → (earliest catalogue date, whether any catalogue says open weights)."""
        marks = ", ".join("?" for _ in vendors)
        rows = self.conn.execute(
            "SELECT vendor_id, external_id, date, weights_ref, tier_hint FROM artifacts "
            f"WHERE kind IN ('openrouter', 'modelsdev', 'price-history') AND vendor_id IN ({marks})",
            list(vendors),
        ).fetchall()
        facts: dict[tuple[str, str], tuple[str | None, bool]] = {}
        for vendor, external_id, day, weights_ref, tier in rows:
            key = (vendor, model_key(external_id.partition(":")[0]))
            held_day, held_open = facts.get(key, (None, False))
            first = min((d for d in (held_day, day[:10] if day else None) if d), default=None)
            facts[key] = (first, held_open or bool(weights_ref) or tier in OPEN_TIERS)
        return facts

    def _open_releases(
        self, vendors: Sequence[str], since: str, counts: Sequence[tuple[str, Metric]]
    ) -> list[OpenRelease]:
        """The open releases of `vendors` opened on or after the day `since` (the first ten
        characters of their open day, as `value` reads it), each with the hub repositories that
        have a first-month count in `counts` (release id, count), the only ones the block reads;
        a release without any (known only from catalogues, or not counted yet) still counts."""
        from relwatch.value import OpenRelease

        repos: dict[str, list[str]] = {}
        for release, metric in counts:
            repos.setdefault(release, []).append(metric.artifact)

        marks = ", ".join("?" for _ in vendors)
        rows = self.conn.execute(
            "SELECT vendor_id, id, coalesce(first_open_at, date) FROM releases "
            f"WHERE vendor_id IN ({marks}) AND tier IN ({', '.join('?' for _ in OPEN_TIERS)}) "
            "AND substr(coalesce(first_open_at, date), 1, 10) >= ? ORDER BY id",
            [*vendors, *sorted(OPEN_TIERS), since],
        ).fetchall()
        return [
            OpenRelease(vendor=v, release=rid, released=day[:10], artifacts=tuple(repos.get(rid, ())))
            for v, rid, day in rows
        ]


def same_changes_once(events: Sequence[PriceEvent]) -> list[PriceEvent]:
    """One event per change: a cut or rise that a ledger and a live read (or two sellers' reads of
    one model) both report, with the same old and new input and output prices, counts once, at its
    earliest date (pure)."""
    kept: dict[tuple[Any, ...], PriceEvent] = {}
    for event in sorted(events, key=lambda e: e.at):
        key = (event.kind, event.offer.listing_id, event.old_input, event.new_input, event.old_output, event.new_output)
        kept.setdefault(key, event)
    return list(kept.values())


def _price_event(row: dict[str, Any]) -> PriceEvent:
    """A stored cut or rise → the PriceEvent the block counts (model named by `model_key`)."""
    from decimal import Decimal

    from relwatch.prices import Channel, Offer, PriceEvent, split_variant

    base, variant = split_variant(row["subject"])
    old, new = json.loads(row["old_value"] or "{}"), json.loads(row["new_value"] or "{}")

    def number(values: dict[str, Any], key: str) -> Decimal | None:
        return None if values.get(key) is None else Decimal(values[key])

    return PriceEvent(
        kind=EventType(row["type"]),
        offer=Offer(
            model_id=model_key(base), seller=str(row["source_id"]), channel=Channel.AGGREGATOR, variant=variant
        ),
        at=row["at"],
        old_input=number(old, "input"),
        new_input=number(new, "input"),
        old_output=number(old, "output"),
        new_output=number(new, "output"),
        change_pct=number(new, "change_pct"),
    )


def _by_offer(rows: Iterable[Sequence[Any]]) -> dict[str, list[Observation]]:
    """offer key → its observations, from rows of (offer_key, model_id, variant, seller, channel,
    *OBSERVATION_COLUMNS), in the rows' order."""
    from relwatch.prices import Channel, Offer

    out: dict[str, list[Observation]] = {}
    for row in rows:
        offer = Offer(model_id=row[1], variant=row[2], seller=row[3], channel=Channel(row[4]))
        out.setdefault(row[0], []).append(_observation(offer, row[5:]))
    return out
