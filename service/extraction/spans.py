"""Spans of a text that do not overlap, kept so that a new one is checked in log time."""

from __future__ import annotations

import bisect


class Spans:
    """Spans of a text that do not overlap, sorted: a new one is checked in log time.

    A sentence of a thousand cues (one word repeated) would otherwise compare each cue with
    every cue taken before it. Taken spans never overlap, so sorted by start they are
    sorted by end too: of those starting before a new span ends, only the last can reach
    into it.
    """

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span taken."""
        before = bisect.bisect_left(self.starts, end)
        return before > 0 and self.ends[before - 1] > start

    def take(self, start: int, end: int) -> bool:
        """Take ``[start, end)`` unless it overlaps a span taken; whether it was taken."""
        if self.overlaps(start, end):
            return False
        at = bisect.bisect_left(self.starts, end)
        self.starts.insert(at, start)
        self.ends.insert(at, end)
        return True
