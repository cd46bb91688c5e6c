"""The timeline and the network, drawn on the server as SVG: positions, not markup.

The templates turn these shapes into SVG elements (escaping every label); each picture
also has a list or a table beside it carrying the same facts as text and links.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.services.relations import Edge
from service.services.timeline import Entry

# --- The timeline -----------------------------------------------------------------------

TIMELINE_WIDTH = 1000
MARGIN = 24  # room at either end for the first and last marks
LANES = {"trigger": 34, "statement": 74, "status_change": 114}  # y of each kind's lane
AXIS_Y = 140
TIMELINE_HEIGHT = 172


@dataclass(frozen=True)
class Mark:
    """An entry on the timeline: a dot for a day, a bar for a month or a year."""

    x: float
    y: float
    width: float  # 0 for a dot
    kind: str
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class TimelinePicture:
    marks: list[Mark]
    ticks: list[Tick]
    width: int = TIMELINE_WIDTH
    height: int = TIMELINE_HEIGHT


def period_end(day: dt.date, precision: str) -> dt.date:
    """The last day of the period a date stands for: itself, its month's or its year's."""
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return day.replace(month=12, day=31)
    return day


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    found, at = [], first.replace(day=1)
    while at <= last:
        found.append(at)
        at = (at + dt.timedelta(days=32)).replace(day=1)
    return found


def timeline(entries: Sequence[Entry], titles: Mapping[int, str]) -> TimelinePicture:
    """``entries`` placed in lanes by kind along one time axis; ``titles`` by index."""
    if not entries:
        return TimelinePicture([], [])
    first = min(e.date for e in entries)
    last = max(period_end(e.date, e.date_precision) for e in entries)
    if (last - first).days < 30:  # a lone date, or a few: show the month around them
        first, last = first - dt.timedelta(days=15), last + dt.timedelta(days=15)
    span = (last - first).days or 1

    def x(day: dt.date) -> float:
        return round(MARGIN + (day - first).days / span * (TIMELINE_WIDTH - 2 * MARGIN), 1)

    marks = []
    for index, entry in enumerate(entries):
        end = period_end(entry.date, entry.date_precision)
        width = 0.0 if end == entry.date else max(x(end) - x(entry.date), 4.0)
        marks.append(Mark(x(entry.date), LANES[entry.kind], width, entry.kind, titles[index]))
    months = _months(first, last)
    if len(months) > 24:
        months = [m for m in months if m.month == 1] or months[:1]
        ticks = [Tick(x(m), str(m.year)) for m in months if m >= first]
    else:
        step = 1 if len(months) <= 8 else 3
        shown = [m for m in months if m >= first and (m.month - 1) % step == 0]
        ticks = [Tick(x(m), m.strftime("%b %Y")) for m in shown]
    return TimelinePicture(marks, ticks)


# --- The network ------------------------------------------------------------------------

NETWORK_SIZE = 640
ARROW = 9  # the arrowhead's length


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor of the label: start, middle or end


@dataclass(frozen=True)
class Arc:
    """All the edges of one kind from one party to another, drawn as one curved arrow."""

    source: str
    target: str
    kind: str  # measure or trigger
    count: int
    path: str
    width: float
    title: str


@dataclass(frozen=True)
class NetworkPicture:
    nodes: list[Node]
    arcs: list[Arc]
    size: int = NETWORK_SIZE


def _unit(dx: float, dy: float) -> tuple[float, float]:
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def network(edges: Sequence[Edge], names: Mapping[str, str]) -> NetworkPicture:
    """The parties of ``edges`` on a circle, busiest first, and an arrow per direction."""
    degree: dict[str, int] = defaultdict(int)
    for edge in edges:
        degree[edge.from_country] += edge.count
        degree[edge.to_country] += edge.count
    codes = sorted(degree, key=lambda code: (-degree[code], code))
    centre, radius = NETWORK_SIZE / 2, NETWORK_SIZE * 0.36
    nodes: dict[str, Node] = {}
    for index, code in enumerate(codes):
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(codes), 1)
        single = len(codes) == 1
        x = centre if single else centre + radius * math.cos(angle)
        y = centre if single else centre + radius * math.sin(angle)
        r = 6 + 2.5 * math.sqrt(degree[code])
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.3 or single else ("start" if cos > 0 else "end")
        lx = x + (r + 6) * cos if not single else x
        ly = y + (r + 14) * math.sin(angle) + 4 if not single else y + r + 16
        nodes[code] = Node(
            code, names.get(code, code), round(x, 1), round(y, 1), round(r, 1),
            round(lx, 1), round(ly, 1), anchor,
        )  # fmt: skip
    grouped: dict[tuple[str, str, str], list[Edge]] = defaultdict(list)
    for edge in edges:
        grouped[(edge.from_country, edge.to_country, edge.edge)].append(edge)
    arcs = []
    for (source, target, kind), group in sorted(grouped.items()):
        a, b = nodes[source], nodes[target]
        count = sum(e.count for e in group)
        # Bend each arrow to its left: A→B and B→A, or a measure and a trigger, never overlap.
        bend = 0.12 if kind == "measure" else 0.22
        dx, dy = b.x - a.x, b.y - a.y
        cx, cy = (a.x + b.x) / 2 - dy * bend, (a.y + b.y) / 2 + dx * bend
        ux, uy = _unit(cx - a.x, cy - a.y)
        sx, sy = a.x + ux * a.r, a.y + uy * a.r
        vx, vy = _unit(b.x - cx, b.y - cy)
        ex, ey = b.x - vx * (b.r + 2), b.y - vy * (b.r + 2)
        path = f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"
        what = "; ".join(f"{e.type.replace('_', ' ')} ({e.role}, {e.count})" for e in group)
        title = f"{a.name} → {b.name}: {what}"
        arcs.append(Arc(source, target, kind, count, path, round(1 + math.log2(count), 1), title))
    return NetworkPicture(list(nodes.values()), arcs)
