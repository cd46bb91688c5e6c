"""The timeline and network pictures: where each entry, party and arrow is drawn."""

from __future__ import annotations

import datetime as dt
import math
import re

from service.pages import pictures
from service.services.relations import Edge
from service.services.timeline import Entry


def test_a_date_stands_for_its_day_month_or_year() -> None:
    day = dt.date(2024, 2, 1)
    assert pictures.period_end(day, "day") == day
    assert pictures.period_end(day, "month") == dt.date(2024, 2, 29)
    assert pictures.period_end(day, "year") == dt.date(2024, 12, 31)


def test_the_timeline_puts_each_kind_in_its_lane_and_a_month_as_a_bar() -> None:
    entries = [
        Entry(dt.date(2022, 1, 1), "year", "trigger", "t"),
        Entry(dt.date(2024, 10, 1), "month", "statement", "s"),
        Entry(dt.date(2024, 10, 22), "day", "status_change", "m", position=1),
    ]
    picture = pictures.timeline(entries, {0: "a", 1: "b", 2: "c"})
    year, month, day = picture.marks
    assert [m.y for m in picture.marks] == [pictures.LANES[e.kind] for e in entries]
    assert day.width == 0 and month.width > 0 and year.width > month.width
    assert year.x == pictures.MARGIN and day.x < pictures.TIMELINE_WIDTH - pictures.MARGIN
    assert month.x < day.x < month.x + month.width  # the 22nd is within October
    assert [t.label for t in picture.ticks] == ["2022", "2023", "2024"]
    assert all(pictures.MARGIN <= t.x <= pictures.TIMELINE_WIDTH for t in picture.ticks)


def test_a_lone_date_is_shown_in_the_month_around_it() -> None:
    picture = pictures.timeline([Entry(dt.date(2024, 6, 19), "day", "trigger", "t")], {0: "a"})
    (mark,) = picture.marks
    assert abs(mark.x - pictures.TIMELINE_WIDTH / 2) < 1
    assert pictures.timeline([], {}).marks == []


def _edge(source: str, target: str, kind: str = "measure", n: int = 1) -> Edge:
    ids = [f"{kind}-{i}" for i in range(n)]
    measures, triggers = (ids, []) if kind == "measure" else ([], ids)
    return Edge(source, target, "target", "sanction", measures, triggers, kind)


def test_the_network_draws_each_party_once_and_an_arrow_per_direction_and_kind() -> None:
    edges = [
        _edge("KR", "KP", n=3),
        _edge("KP", "KR", "trigger"),
        _edge("KR", "RU"),
        _edge("KR", "RU"),
    ]
    picture = pictures.network(edges, {"KR": "Korea, Republic of"})
    assert [n.code for n in picture.nodes] == ["KR", "KP", "RU"]  # busiest first
    assert picture.nodes[0].name == "Korea, Republic of" and picture.nodes[1].name == "KP"
    assert len({(n.x, n.y) for n in picture.nodes}) == 3
    centre = pictures.NETWORK_SIZE / 2
    for node in picture.nodes:
        assert math.isclose(math.hypot(node.x - centre, node.y - centre), 0.36 * 640, rel_tol=0.01)
    assert {(a.source, a.target, a.kind, a.count) for a in picture.arcs} == {
        ("KR", "KP", "measure", 3),
        ("KP", "KR", "trigger", 1),
        ("KR", "RU", "measure", 2),
    }
    nodes = {n.code: n for n in picture.nodes}
    for arc in picture.arcs:
        numbers = [float(v) for v in re.findall(r"-?\d+\.?\d*", arc.path)]
        start, end = numbers[:2], numbers[-2:]
        source, target = nodes[arc.source], nodes[arc.target]
        # Each arrow leaves its party's circle and stops just short of the other's.
        assert math.isclose(math.dist(start, (source.x, source.y)), source.r, abs_tol=0.2)
        assert math.isclose(math.dist(end, (target.x, target.y)), target.r + 2, abs_tol=0.2)
    assert picture.arcs[0].width < max(a.width for a in picture.arcs) or len(picture.arcs) == 1
