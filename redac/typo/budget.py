"""A budget of work for one conversion, counted in deterministic units, not in seconds.

A unit is one character read by one pass of the engine: each stage charges the length of the
text it reads times the number of passes it makes over it, and every scanner that searches
forward charges the distance it actually searched (:class:`redac.typo.scan.NextFinder`).
The count depends only on the input, never on the machine or its load, so the same text is
always accepted or always refused, and the tests can assert how the count grows.

A conversion may spend :func:`limit_for` units (``UNITS_PER_CHAR`` per input character,
plus ``BASE_UNITS``, at most ``MAX_UNITS``). One that would spend more stops at once with
:class:`OverBudget`; :func:`redac.typo.render` then fails closed: the text is shown escaped,
as plain text, a warning is logged, and :func:`overruns` tells the delivery layer that the
page must be neither cached nor published (``redac.delivery.middleware``).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

logger = logging.getLogger("redac.typo")

#: units per input character: ordinary texts spend about 70, texts whose links, notes or tables
#: expand a lot up to about 500 (2,000 links to a titled article); see docs/performance.md
UNITS_PER_CHAR = 2_000
#: units every conversion may spend, whatever its size (short texts with many notes)
BASE_UNITS = 200_000
#: no conversion spends more, whatever its size (about 1 MB of text, whatever its markup)
MAX_UNITS = 2_000_000_000


class OverBudget(Exception):
    """A conversion spent more units than it was given."""


@dataclass
class Meter:
    limit: int
    units: int = 0


_meter: ContextVar[Meter | None] = ContextVar("redac_typo_meter", default=None)
_overruns: ContextVar[int] = ContextVar("redac_typo_overruns", default=0)


_factor: ContextVar[float] = ContextVar("redac_typo_budget_factor", default=1.0)


def limit_for(length: int, *, factor: float | None = None) -> int:
    """The units a conversion of ``length`` characters may spend: ``factor`` (default: the
    one set by :func:`scaled`, else 1) times ``UNITS_PER_CHAR * length + BASE_UNITS``, at
    most ``MAX_UNITS``."""
    if factor is None:
        factor = _factor.get()
    return int(min(MAX_UNITS, UNITS_PER_CHAR * length + BASE_UNITS) * factor)


@contextmanager
def scaled(factor: float):
    """Conversions in this block get ``factor`` times their usual budget (the editors'
    live preview gets a smaller one: it runs on the same workers as the readers)."""
    token = _factor.set(factor)
    try:
        yield
    finally:
        _factor.reset(token)


def charge(units: int) -> None:
    """Count ``units`` against the current conversion; raise :class:`OverBudget` past it."""
    meter = _meter.get()
    if meter is not None:
        meter.units += units
        if meter.units > meter.limit:
            raise OverBudget(f"{meter.units} units > {meter.limit}")


def start(limit: int):
    """Open a meter for one conversion; returns ``(meter, token)`` for :func:`stop`.
    A conversion nested in another (a link text typographed while a body is converted)
    counts against the outer one: only the outermost opens a meter."""
    current = _meter.get()
    if current is not None:
        return current, None
    meter = Meter(limit)
    return meter, _meter.set(meter)


def stop(token) -> None:
    if token is not None:
        _meter.reset(token)


def record_overrun(meter: Meter, length: int) -> None:
    """Note a conversion that went over its budget: in the log, and for the delivery layer."""
    _overruns.set(_overruns.get() + 1)
    logger.warning(
        "redac.typo: conversion of %d characters stopped after %d units (budget %d): "
        "the text is shown escaped",
        length,
        meter.units,
        meter.limit,
    )


def overruns() -> int:
    """How many conversions went over budget in this context (a request) since
    :func:`reset_overruns`."""
    return _overruns.get()


def reset_overruns() -> None:
    _overruns.set(0)


def measure(func, *args, **kwargs) -> int:
    """The units ``func(*args, **kwargs)`` spends (for tests and the benchmark), with no limit."""
    meter = Meter(limit=1 << 62)
    token = _meter.set(meter)
    try:
        func(*args, **kwargs)
    finally:
        _meter.reset(token)
    return meter.units
