"""Linear scanning helpers: no search is ever repeated from a position it already covered.

A regular expression such as ``<multi>(.*?)</multi>`` reads to the end of the text from
every opening tag that has no closing tag after it: 10,000 unclosed openings read the text
10,000 times.  The helpers here find the next closer once and remember the answer, so that
a failed search is never repeated: every scan of the engine reads each character a bounded
number of times (see ``docs/performance.md``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import budget


class NextFinder:
    """Position of the next occurrence of a needle (a string or a compiled pattern) at or
    after a position, ``-1`` when there is none.

    Answers are memoised as an interval: every query in ``[low, found]`` has the same
    answer, and "none after ``low``" answers every later query, so queries made in
    increasing order cost amortised constant time (the text is read once).
    """

    __slots__ = ("text", "needle", "low", "found")

    def __init__(self, text: str, needle: str | re.Pattern) -> None:
        self.text = text
        self.needle = needle
        self.low = 1
        self.found = 0

    def __call__(self, position: int) -> int:
        if self.low <= position and (position <= self.found or self.found < 0):
            return self.found
        if isinstance(self.needle, str):
            found = self.text.find(self.needle, position)
        else:
            m = self.needle.search(self.text, position)
            found = m.start() if m else -1
        budget.charge((found if found >= 0 else len(self.text)) - position)
        self.low = position
        self.found = found
        return found


def replace_pairs(
    text: str, opener: re.Pattern, closer: re.Pattern, replace: Callable[[str], str]
) -> str:
    """Replace each ``opener … closer`` pair by ``replace(body)``, the body running to the
    first closer after the opener (what ``opener(.*?)closer`` with ``re.S`` matches);
    an opener without a closer after it stays as it is.  Linear: the closer is searched
    once per pair, and "no closer after here" ends the scan."""
    find_close = NextFinder(text, closer)
    out: list[str] = []
    pos = 0
    search = 0
    while True:
        m = opener.search(text, search)
        if not m:
            break
        close = find_close(m.end())
        if close < 0:
            break  # no closer after this opener: none after any later one either
        end = closer.match(text, close).end()
        out.append(text[pos : m.start()])
        out.append(replace(text[m.end() : close]))
        pos = search = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
