"""How `relwatch prices` shows offers: the current price of each, its history, and on a terminal a
one-line sparkline of its output price over its observations (USD per 1M tokens)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Context, Decimal
from typing import Any

from relwatch.prices import Observation, tidy
from relwatch.render import Result, Table
from relwatch.store.prices import StoredOffer, model_key

SPARKS = "▁▂▃▄▅▆▇█"
SIGNIFICANT = 6  # significant digits of a price in the table; JSON and CSV keep the exact decimal string
COLUMNS = ["vendor", "model", "seller", "channel", "input", "output", "since", "changes", "retired_at"]


def matching(offers: Iterable[StoredOffer], query: str | None, release_models: Iterable[str] = ()) -> list[StoredOffer]:
    """The offers a query names: every offer when None; else those of the models a release holds
    (`release_models`, model ids) or whose model id contains the query (any case) (pure)."""
    if query is None:
        return list(offers)
    wanted = query.strip().lower()
    keys = {model_key(m) for m in release_models}
    return [o for o in offers if model_key(o.offer.model_id) in keys or wanted in o.offer.listing_id.lower()]


def sparkline(values: Sequence[Decimal]) -> str:
    """One character per value, on a log-like rank scale: equal prices share a height (pure)."""
    if not values:
        return ""
    levels = sorted(set(values))
    if len(levels) == 1:
        return SPARKS[0] * len(values)
    step = (len(SPARKS) - 1) / (len(levels) - 1)
    return "".join(SPARKS[round(levels.index(v) * step)] for v in values)


def offer_rows(
    offers: Sequence[StoredOffer], history: Mapping[str, list[Observation]], *, spark: bool
) -> list[dict[str, Any]]:
    """One row per offer: its current input and output price (USD per 1M tokens, exact), since when,
    how many changes, when retired; `history` (the sparkline) on a terminal, `observations` otherwise."""
    rows = []
    for stored in offers:
        rows_of = history.get(stored.offer.key, [])
        current = rows_of[-1] if rows_of else None
        row: dict[str, Any] = {
            "vendor": stored.vendor,
            "model": stored.offer.listing_id,
            "seller": stored.offer.seller,
            "channel": str(stored.offer.channel),
            "input": _text(current.price.input_per_million) if current else None,
            "output": _text(current.price.output_per_million) if current else None,
            "since": current.first_observed[:10] if current else None,
            "changes": max(0, len(rows_of) - 1),
            "retired_at": stored.retired_at[:10] if stored.retired_at else None,
        }
        outputs = [p for r in rows_of if (p := r.price.output_per_million) is not None]
        if spark:
            row["history"] = sparkline(outputs)
        else:
            row["observations"] = [
                {
                    "first_observed": r.first_observed,
                    "last_observed": r.last_observed,
                    "input": _text(r.price.input_per_million),
                    "output": _text(r.price.output_per_million),
                    "components": dict(r.price.components),
                    "unit": str(r.price.unit),
                    "source": r.source,
                }
                for r in rows_of
            ]
        rows.append(row)
    return rows


def prices_result(offers: Sequence[StoredOffer], history: Mapping[str, list[Observation]], *, terminal: bool) -> Result:
    """`prices`: a table of offers (with a sparkline on a terminal); JSON carries each offer's
    observations; CSV one row per offer."""
    table_rows = [
        {**row, "input": significant(row["input"]), "output": significant(row["output"])}
        for row in offer_rows(offers, history, spark=terminal)
    ]
    columns = [*COLUMNS, "history"] if terminal else COLUMNS
    document = offer_rows(offers, history, spark=False)
    return Result(
        [Table(table_rows, columns=columns, title="Offers (USD per 1M tokens)")],
        document=document,
        records=Table(document, columns=COLUMNS),
    )


def significant(value: str | None, digits: int = SIGNIFICANT) -> str | None:
    """An exact decimal string rounded to `digits` significant digits, without an exponent or
    trailing zeros (`0.20000000000000002` → `0.2`, `1.234567` → `1.23457`) (pure)."""
    if value is None:
        return None
    return format(tidy(Context(prec=digits).plus(Decimal(value))), "f")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
