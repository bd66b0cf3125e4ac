"""How `relwatch diff` shows events: grouped by vendor, as tables, Markdown, JSON, CSV or Atom."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from relwatch import __version__
from relwatch.analysis import EVENT_ORDER, group_events, is_opening
from relwatch.render import Markdown, Result, Table, safe

TITLES = {
    "new-release": "New releases",
    "tier-changed": "Tier changes",
    "weights-found": "Earlier open weights",
    "price-cut": "Price cuts",
    "price-rise": "Price rises",
    "model-retired": "Retired models",
    "licence-changed": "Licence changes",
    "gated-changed": "Gating changes",
    "artifact-gone": "Gone",
    "new-artifact": "New artifacts",
}
EVENT_COLUMNS = [
    "at",
    "vendor_id",
    "type",
    "subject",
    "old_value",
    "new_value",
    "release_id",
    "source_id",
    "sync_run_id",
]
LISTED_NEW_ARTIFACTS = 10


def describe(event: dict[str, Any]) -> str:
    """An event in a few words: `subject: old → new`, with ★ where weights were published."""
    kind, subject = str(event["type"]), str(event["subject"])
    if kind == "new-release":
        return f"{subject} ({event['new_value'] or 'tier unknown'})"
    if kind in ("price-cut", "price-rise"):
        return f"{subject}: {price_change(event)}"
    if kind == "weights-found":
        return f"{subject}: {event['old_value']} → {event['new_value']} (weights published earlier, found now)"
    if kind in ("tier-changed", "licence-changed", "gated-changed"):
        mark = " ★ closed → open" if is_opening(event) else ""
        return f"{subject}: {event['old_value']} → {event['new_value']}{mark}"
    return subject


def price_change(event: dict[str, Any]) -> str:
    """`in $1.25 → $0.625, out $10 → $5 per 1M tokens (-50.0 %)` from a price event's JSON values
    (USD per 1M tokens, `relwatch.store.prices.event_values`); `?` for a figure not published. When
    only other components (cache, request, image…) moved, it says so."""
    old, new = _values(event.get("old_value")), _values(event.get("new_value"))
    parts = [
        f"{label} {_usd(old.get(key))} → {_usd(new.get(key))}"
        for label, key in (("in", "input"), ("out", "output"))
        if old.get(key) != new.get(key)
    ]
    pct = new.get("change_pct")
    change = f" ({'+' if pct and not str(pct).startswith('-') else ''}{pct} %)" if pct else ""
    if not parts:
        held = f"in {_usd(new.get('input'))}, out {_usd(new.get('output'))} per 1M tokens"
        return f"{held} unchanged, other price components changed{change}"
    return ", ".join(parts) + " per 1M tokens" + change


def _values(text: Any) -> dict[str, Any]:
    try:
        loaded = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _usd(value: Any) -> str:
    return f"${value}" if value is not None else "?"


def digest_lines(events: list[dict[str, Any]], title: str) -> list[str]:
    """A Markdown digest, the shape a cron mail wants."""
    grouped = group_events(events)
    lines = [f"# {title}", ""]
    if not grouped:
        return [*lines, "Nothing changed."]
    for vendor, by_type in grouped.items():
        lines += [f"## {vendor}", ""]
        for kind in EVENT_ORDER:
            items = by_type.get(kind) or []
            if not items:
                continue
            lines.append(f"**{TITLES[kind]}** ({len(items)})")
            shown = items[:LISTED_NEW_ARTIFACTS] if kind == "new-artifact" else items
            lines += [f"- {describe(e)}" for e in shown]
            if len(items) > len(shown):
                lines.append(f"- … and {len(items) - len(shown)} more")
            lines.append("")
    return lines


def atom_feed(events: list[dict[str, Any]], title: str, now: str) -> str:
    """An Atom 1.0 feed: one entry per event, except new artifacts, counted in one entry per vendor."""
    entries = []
    for vendor, by_type in group_events(events).items():
        for kind in EVENT_ORDER[:-1]:
            for event in by_type.get(kind) or []:
                entries.append(
                    (
                        event["at"],
                        f"event-{event['id']}",
                        f"{vendor}: {TITLES[kind][:-1].lower()}: {describe(event)}",
                        describe(event),
                    )
                )
        new = by_type.get("new-artifact") or []
        if new:
            latest = max(e["at"] for e in new)
            names = ", ".join(e["subject"] for e in new[:LISTED_NEW_ARTIFACTS])
            entries.append(
                (
                    latest,
                    f"new-artifacts-{vendor}-{new[0]['id']}-{new[-1]['id']}",
                    f"{vendor}: {len(new)} new artifacts",
                    names + (" …" if len(new) > 10 else ""),
                )
            )
    entries.sort(reverse=True)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(safe(title))}</title>",
        "  <id>urn:relwatch:diff</id>",
        f"  <updated>{now}</updated>",
        f"  <generator version={quoteattr(__version__)}>relwatch</generator>",
    ]
    for at, entry_id, entry_title, summary in entries:
        parts += [
            "  <entry>",
            f"    <id>urn:relwatch:{escape(safe(entry_id))}</id>",
            f"    <title>{escape(safe(entry_title))}</title>",
            f"    <updated>{escape(safe(at))}</updated>",
            "    <author><name>relwatch</name></author>",
            f"    <summary>{escape(safe(summary))}</summary>",
            "  </entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts)


def diff_result(events: list[dict[str, Any]], title: str, now: str) -> Result:
    """`diff`: the digest (Markdown, or a table's worth of lines), events grouped as JSON, one CSV row each, Atom."""
    grouped = {
        vendor: {kind: items for kind, items in by_type.items() if items}
        for vendor, by_type in group_events(events).items()
    }
    return Result(
        [Markdown(digest_lines(events, title))],
        document={"title": title, "count": len(events), "vendors": grouped},
        records=Table(events, columns=EVENT_COLUMNS),
        feed=atom_feed(events, title, now),
    )
