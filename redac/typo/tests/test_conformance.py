"""The engine agrees with SPIP 4.3.5 as a browser sees it: on the oracle corpus (SPIP 4.3.5 run on
173 inputs) and on SPIP's own unit tests, outputs compared as the documents an HTML5 parser
builds (tests.support.conformance)."""

from __future__ import annotations

import io

import pytest

from tests.support.conformance import run


@pytest.fixture(scope="module")
def report(spip_dir):
    """One run of the conformance runner over every corpus file (as the CLI does)."""
    out = io.StringIO()
    summary = run(spip_dir, out=out)
    return summary, out.getvalue()


def _ratio(summary, names):
    agree = sum(summary["files"][name]["agree"] for name in names)
    total = sum(summary["files"][name]["total"] for name in names)
    return agree, total


@pytest.mark.parametrize("function", ["propre", "typo"])
def test_oracle_cases_agree_at_least_97_percent_per_function(report, function):
    """Issue 18's target, on the public third of the oracle (the outside check runs the other
    two thirds): document models and the xss category are scored apart, as it does."""
    summary, _ = report
    score = summary["files"]["public.jsonl"]["functions"][function]
    assert score["total"] >= 150
    assert score["ratio"] >= 0.97, score


def test_spip_unit_test_cases_agree_at_least_94_percent(report):
    """SPIP's own unit tests, written for SPIP 4.2's markup (4.3's added classes mapped away):
    what remains are tooltips that 4.2 typeset and 4.3 does not, typo() without escaping,
    a model in typo(), an e-mail in chevrons and <math> (MathML here, images in SPIP)."""
    summary, _ = report
    names = [name for name in summary["files"] if name != "public.jsonl"]
    agree, total = _ratio(summary, names)
    assert total > 100
    assert agree / total >= 0.94, {name: summary["files"][name] for name in names}


def test_plain_text_extraction_agrees(report):
    summary, _ = report
    plain_ok, plain_total = summary["files"]["textwheel_plaintext.jsonl"]["plain"]
    assert plain_total and plain_ok / plain_total >= 0.95


def test_exclusions_and_kept_differences_are_listed(report):
    _, text = report
    assert "needs SPIP test models" in text  # the <modeleN> cases are listed as excluded
    assert "KEPT DIFFERENCES" in text and "category 'models' scored apart" in text


def test_unsafe_spip_outputs_are_rendered_safely(report):
    _, text = report
    assert "-> redac output safe" in text
    assert "-> redac output UNSAFE" not in text
