"""Security cases 63 and 64 of /work/shared/reference/security-cases.md."""

from __future__ import annotations

import re

import html5lib
import pytest

from redac.typo import propre, render, typo
from tests.support.conformance import output_is_safe


def hrefs(fragment: str) -> list[str]:
    """Every href of the parsed output (escaped text does not count)."""
    tree = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return [el.get("href") for el in tree.iter() if isinstance(el.tag, str) and el.get("href")]


DANGEROUS_LINKS = [
    "[clic->javascript:alert(1)]",
    "[clic->JAVASCRIPT:alert(1)]",
    "[clic->JaVaScRiPt:alert(1)]",
    "[clic-> javascript:alert(1)]",
    "[clic->java&#115;cript:alert(1)]",
    "[clic->java&#x73;cript:alert(1)]",
    "[clic->&#106;avascript:alert(1)]",
    "[clic->java\tscript:alert(1)]",
    "[clic->java\nscript:alert(1)]",
    "[clic->data:text/html;base64,PHNjcmlwdD4=]",
    "[clic->vbscript:msgbox(1)]",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="  jav&#x09;ascript:alert(1)">clic</a>',
]


@pytest.mark.security_case(63)
@pytest.mark.parametrize("source", DANGEROUS_LINKS)
@pytest.mark.parametrize("trusted", [True, False])
def test_case_63_javascript_link_is_not_an_href(source, trusted):
    html = render(source, trusted=trusted).html
    for href in hrefs(html):
        compact = re.sub(r"[\s\x00-\x1f]", "", href).lower()
        assert not compact.startswith(("javascript:", "data:", "vbscript:")), html
        assert "script:" not in compact, html
    assert "clic" in html  # the text stays, without a dangerous link
    assert output_is_safe(html)


@pytest.mark.security_case(64)
def test_case_64_markup_in_link_text_is_escaped_or_sanitised():
    html = propre("[<img src=x onerror=alert(1)>->https://ok.example]")
    assert "onerror" not in html
    assert output_is_safe(html)
    assert 'href="https://ok.example"' in html


@pytest.mark.security_case(64)
def test_case_64_attribute_injection_in_target_stays_inside_the_quotes():
    html = propre('[x->https://ok.example" onmouseover="alert(1)]')
    assert " onmouseover=" not in html.replace("&quot; onmouseover=&quot;", "")
    assert output_is_safe(html)


@pytest.mark.security_case(64)
def test_case_64_php_in_target_is_not_executed_nor_raw():
    html = propre("[x->URL`<?php system('id'); ?>`]")
    assert "<?php" not in html
    assert output_is_safe(html)


@pytest.mark.security_case(64)
def test_case_64_template_syntax_stays_literal():
    # CVE-2024-7954: SPIP evaluated {{ }} in some contexts; redac never evaluates
    html = propre("[x->{{ 7*7 }}]")
    assert "49" not in html
    assert "7*7" in html
    assert "49" not in propre("{{ 7*7 }}")
    assert "7*7" in propre("{{ 7*7 }}")


@pytest.mark.security_case(64)
def test_case_64_ten_thousand_brackets_are_linear_and_literal():
    source = "[" * 10_000
    html = propre(source)
    assert html.count("[") == 10_000
    assert output_is_safe(html)
    html = propre("[[" * 5_000 + "x" + "]]" * 5_000)
    assert output_is_safe(html)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<div onmouseover="alert(1)">survol</div>',
        '<iframe src="javascript:alert(1)"></iframe>',
        '<svg onload="alert(1)"></svg>',
        '<object data="javascript:alert(1)"></object>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        "<html><script>alert('html')</script></html>",
        '<a href="https://example.org" onclick="alert(1)">lien</a>',
        "{{<script>alert(1)</script>}}",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        '<base href="https://evil.example/">',
        "<style>body{display:none}</style>",
        '<img src="x" onerror="alert(1)">',
    ],
)
def test_raw_html_is_sanitised_in_trusted_mode(source):
    assert output_is_safe(propre(source))
    assert output_is_safe(typo(source))


def test_raw_html_is_escaped_in_untrusted_mode():
    out = render("<b>gras</b> et <script>alert(1)</script>", trusted=False).html
    assert "<b>" not in out
    assert "&lt;b&gt;gras" in out
    assert "<script" not in out
    # SPIP shortcuts still work for readers
    assert "<strong>" in render("{{gras}}", trusted=False).html
    assert "<blockquote" in render("<quote>cite</quote>", trusted=False).html
