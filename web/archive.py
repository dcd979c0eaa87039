"""The results page's timeline chart and copy switch: plain values the templates draw.

The chart is SVG made on the server (no script, no inline style: the strict CSP holds):
one bar per period, each a link that narrows the search to that period with the ``from``
and ``to`` filters, plus a table of the same links for screen readers and text browsers.
"""

from __future__ import annotations

from flask import request, url_for

from searchidx.documents import TimeBucket

WIDTH = 600  # the SVG's own units; it scales with the page
HEIGHT = 90
TOP = 72  # the tallest bar


def collapse_arg() -> str | None:
    """Return "0" when the URL asks for every copy (``collapse=0``), else None."""
    return "0" if request.args.get("collapse", "").strip() in ("0", "false", "no") else None


def timeline_chart(buckets: list[TimeBucket], q: str, keep: dict) -> dict | None:
    """Return the bars (geometry, label, link) of the timeline, or None with under 2 periods."""
    if len(buckets) < 2:
        return None
    most = max(b.count for b in buckets) or 1
    step = WIDTH / len(buckets)
    gap = min(2.0, step * 0.15)
    args = {k: v for k, v in keep.items() if k not in ("from", "to", "year", "page")}
    bars = []
    for n, bucket in enumerate(buckets):
        height = round(TOP * bucket.count / most, 1) if bucket.count else 0
        if bucket.count and height < 1.5:
            height = 1.5  # a match is always visible
        bars.append(
            {
                "x": round(n * step + gap / 2, 2),
                "y": round(TOP - height, 1),
                "width": round(step - gap, 2),
                "height": height,
                "label": bucket.label,
                "count": bucket.count,
                "href": url_for(
                    ".search",
                    q=q,
                    **args,
                    **{"from": bucket.start.isoformat(), "to": bucket.end.isoformat()},
                )
                if bucket.count
                else None,
            }
        )
    total = sum(b.count for b in buckets)
    unit = buckets[0].unit
    return {
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "top": TOP,
        "unit": unit,
        "first": buckets[0].label,
        "last": buckets[-1].label,
        "summary": (
            f"{total:,} dated matches per {unit} from {buckets[0].label} to {buckets[-1].label}; "
            f"most in {max(buckets, key=lambda b: b.count).label} ({most:,})."
        ),
    }
