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


class TagRule:
    """``pattern.sub`` for a pattern whose every match starts with ``head`` (a tag's start,
    up to the end of its name) followed by ``[^>]*>``, the rest of the pattern reading only
    what follows that ``>``.

    Such a pattern reads from each start to the next ``>``; when it fails there, it fails
    the same way from every other start before that ``>`` (their first tag ends at the same
    ``>`` and is followed by the same text), so a text crowded with starts and no ``>``
    ("<br <br <br …") is read once per start. When the text holds two starts with no ``>``
    between them, the starts after a failure in the same stretch are skipped; otherwise
    the pattern runs as it is.
    """

    __slots__ = ("pattern", "head", "crowded")

    def __init__(self, pattern: re.Pattern, head: str) -> None:
        self.pattern = pattern
        flags = pattern.flags & (re.I | re.S | re.M | re.A)
        self.head = re.compile(head, flags)
        self.crowded = re.compile(head + r"[^>]*?" + head, flags)

    def sub(self, repl, text: str) -> str:
        if not self.crowded.search(text):
            return self.pattern.sub(repl, text)
        expand = repl if callable(repl) else (lambda m: m.expand(repl))
        next_gt = NextFinder(text, ">")
        out: list[str] = []
        pos = search = 0
        failed = -1
        while True:
            h = self.head.search(text, search)
            if not h:
                break
            gt = next_gt(h.end())
            if gt < 0:
                break  # no '>' after: no match here or after
            if gt != failed:
                m = self.pattern.match(text, h.start())
                if m is not None and m.end() > m.start():
                    out.append(text[pos : m.start()])
                    out.append(expand(m))
                    pos = search = m.end()
                    continue
                failed = gt
            search = h.start() + 1
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
