"""The engine agrees with SPIP 4.3.5 on its own test cases and on the oracle corpus."""

from __future__ import annotations

import io

import pytest

from redac.typo.conformance import run


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


def test_oracle_corpus_agreement_is_at_least_95_percent(report):
    summary, _ = report
    agree, total = _ratio(summary, ["public.jsonl"])
    assert total > 250
    assert agree / total >= 0.95, summary["files"]["public.jsonl"]


def test_spip_unit_test_cases_agreement_is_at_least_95_percent(report):
    summary, _ = report
    names = [name for name in summary["files"] if name != "public.jsonl"]
    agree, total = _ratio(summary, names)
    assert total > 100
    assert agree / total >= 0.95, {name: summary["files"][name] for name in names}


def test_plain_text_extraction_agrees(report):
    summary, _ = report
    plain_ok, plain_total = summary["files"]["textwheel_plaintext.jsonl"]["plain"]
    assert plain_total and plain_ok / plain_total >= 0.95


def test_overall_agreement_and_exclusions_are_listed(report):
    summary, text = report
    assert summary["ratio"] >= 0.95
    assert "needs SPIP test models" in text  # the <modeleN> cases are listed as excluded


def test_unsafe_spip_outputs_are_rendered_safely(report):
    _, text = report
    assert "-> redac output safe" in text
    assert "-> redac output UNSAFE" not in text
