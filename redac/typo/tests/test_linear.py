"""Adversarial inputs convert in time proportional to their size.

Structural check first: the number of Python function calls made by a conversion is
deterministic, so doubling an adversarial input must at most roughly double it (a
quadratic scanner written in Python would quadruple it).  Regular expressions run in C
and are not counted; they are covered by a generous relative timing check (best of
several runs, doubling the size must not more than triple the time) and by an absolute
budget far above the expected cost, so that the test never flakes on a busy machine.
"""

from __future__ import annotations

import sys
import time

import pytest

from redac.typo import propre


def _calls(func, arg) -> int:
    count = 0

    def profiler(frame, event, _arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profiler)
    try:
        func(arg)
    finally:
        sys.setprofile(None)
    return count


def _best_time(func, arg, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        func(arg)
        best = min(best, time.process_time() - start)
    return best


ADVERSARIAL = {
    "open braces": lambda n: "{" * n,
    "close braces": lambda n: "}" * n,
    "open brackets": lambda n: "[" * n,
    "bracket run with arrow": lambda n: "[" * (n // 2) + "->" + "]" * (n // 2),
    "glossary run": lambda n: "[?" * (n // 2),
    "unclosed notes": lambda n: "[[" * (n // 2),
    "notes": lambda n: " ".join(f"mot[[note {i}]]" for i in range(n // 12)),
    "nested list": lambda n: "\n".join("-" + "*" * (i % 60 + 1) + " x" for i in range(n // 40)),
    "unclosed code": lambda n: "<code>" * (n // 6),
    "unclosed quote": lambda n: "<quote>" * (n // 7),
    "table bars": lambda n: "|\n" * (n // 2),
    "chevrons": lambda n: "<" * n,
    "long link target": lambda n: "[a->" + "b" * n + "]",
    "models": lambda n: "<doc1> " * (n // 7),
    "links": lambda n: "[x->article3]" * (n // 13),
    "tildes and colons": lambda n: " ~ :" * (n // 4),
    "entities": lambda n: "&amp;&nbsp;" * (n // 11),
    # the parser re-opens formatting elements left open in every following paragraph
    "unclosed bold across paragraphs": lambda n: "<b>t\n\n" * (n // 6),
    "unclosed formatting, distinct": lambda n: "".join(
        f"<i class='c{i}'>t\n\n" for i in range(n // 10)
    ),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_call_count_grows_linearly(name):
    make = ADVERSARIAL[name]
    small = _calls(propre, make(10_000))
    large = _calls(propre, make(20_000))
    assert large <= 2.3 * small + 200, (small, large)


def test_big_inputs_stay_within_a_generous_budget():
    budget = 5.0  # seconds; the expected cost is a few hundredths
    for source in (
        "{" * 10_000,
        "[" * 10_000,
        "[[" * 5_000 + "]]" * 5_000,
        " ".join(f"mot[[note {i}]]" for i in range(5_000)),
        "\n".join("-" + "*" * i + " x" for i in range(1, 200)),
    ):
        start = time.perf_counter()
        propre(source)
        assert time.perf_counter() - start < budget


def test_one_megabyte_article_converts():
    paragraph = (
        "Selon l'Insee, le {{chômage}} a [reculé->https://example.org] : 3 % ! "
        "Voir [l'article->article3][[Une note.]].\n\n"
    )
    source = paragraph * (1_000_000 // len(paragraph))
    start = time.perf_counter()
    out = propre(source)
    assert time.perf_counter() - start < 30
    assert out.count("<p>") >= 1_000_000 // len(paragraph)


def test_escaped_characters_in_one_paragraph_stay_linear():
    # the sanitiser is quadratic in escaped characters per text node; redac splits them
    small = _calls(propre, "&nbsp;x" * 5_000)
    large = _calls(propre, "&nbsp;x" * 10_000)
    assert large <= 2.3 * small + 200
    t_small = _best_time(propre, "\u00a0x <" * 10_000)
    t_large = _best_time(propre, "\u00a0x <" * 20_000)
    assert t_large <= 3.2 * max(t_small, 0.005), (t_small, t_large)


# --- work units (redac.typo.budget): deterministic, for every generated shape ------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from redac.typo import budget  # noqa: E402
from tests.support.markup_shapes import FINAL_CLOSERS, TOKENS, repeat_to  # noqa: E402

_MOTIFS = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    motif=_MOTIFS,
    other=st.one_of(st.none(), _MOTIFS),
    closer=st.one_of(st.just(""), st.sampled_from(FINAL_CLOSERS)),
)
def test_work_units_grow_linearly_for_generated_shapes(motif, other, closer):
    """Any motif of SPIP openers and closers, repeated (or alternated with another), with or
    without one closer at the end: doubling the text at most about doubles its work units."""

    # (doubling the number of stretches, not their length: the same structure, twice)
    stretch = repeat_to(motif, 500) + (repeat_to(other, 500) if other is not None else "")

    def make(n: int) -> str:
        return stretch * (n // len(stretch)) + closer

    small = budget.measure(propre, make(3_000))
    large = budget.measure(propre, make(6_000))
    assert large <= 2.2 * small + 20_000, (small, large)
    assert large <= budget.limit_for(6_000 + len(closer))


def test_work_units_of_a_normal_text_are_far_under_the_budget():
    paragraph = "Selon l'Insee, le {{chômage}} a [reculé->https://example.org] : 3 % !\n\n"
    source = paragraph * (100_000 // len(paragraph))
    units = budget.measure(propre, source)
    assert units * 3 < budget.limit_for(len(source)), units
