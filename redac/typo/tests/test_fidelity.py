"""What SPIP 4.3.5 shows and a browser builds: unknown elements, typed styles, ``<base>``,
``<math>`` formulas, ``hreflang`` (issue 18, « Markup fidelity »)."""

from __future__ import annotations

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redac.typo import propre, render, typo
from redac.typo.math import MAX_FORMULAS
from redac.typo.sanitize import (
    ALLOWED_STYLE_PROPERTIES,
    KNOWN_ELEMENTS,
    clean,
    filter_style,
)
from tests.support.conformance import document, output_is_safe, same_html

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def elements(fragment: str) -> list:
    tree = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return [el for el in tree.iter() if isinstance(el.tag, str)][1:]


def names(fragment: str) -> list[str]:
    return [el.tag for el in elements(fragment)]


# ---------------------------------------------------------------- unknown elements


def test_typo_keeps_quote_and_poesie_as_spip_does():
    """SPIP's typo() (titles, surtitres) leaves <quote> and <poesie> in place; a browser shows
    their text in an inline box: the text is never lost."""
    out = typo("Il a dit : <quote>Nous ne reculerons pas.</quote> et <poesie>un vers</poesie>")
    assert same_html(
        "Il a dit&nbsp;: <quote>Nous ne reculerons pas.</quote> et <poesie>un vers</poesie>", out
    )


def test_typo_keeps_code_as_spip_does():
    out = typo("Titre <code>x = 1;</code>")
    assert same_html("Titre <code class='spip_code spip_code_inline' dir='ltr'>x = 1;</code>", out)


def test_unclosed_multi_is_left_as_spip_leaves_it():
    """SPIP leaves an unclosed <multi> and its language marks as they are (oracle case 282)."""
    assert same_html(
        "<p><multi>[fr]non fermé[en]not closed</p>", propre("<multi>[fr]non fermé[en]not closed")
    )
    assert same_html(
        "<multi>[fr]non fermé[en]not closed", typo("<multi>[fr]non fermé[en]not closed")
    )


def test_unknown_element_keeps_its_text_and_generic_attributes_only():
    out = propre('Balise <inconnue class="x" onclick="alert(1)" href="/y">texte</inconnue>')
    (element,) = [el for el in elements(out) if el.tag == "inconnue"]
    assert dict(element.attrib) == {"class": "x"}
    assert element.text == "texte"
    assert output_is_safe(out)


@pytest.mark.parametrize("name", ["x-widget", "redac-embed", "my-element"])
def test_custom_element_names_are_never_kept(name):
    """A name with a hyphen is a custom element, which a script on the page might define."""
    out = propre(f"<{name} data-x='1'>texte</{name}>")
    assert name not in names(out)
    assert "texte" in out


@pytest.mark.parametrize(
    "source",
    [
        "<image src=x onerror=alert(1)>",
        "<xmp><script>alert(1)</script></xmp>",
        "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
        "<template><script>alert(1)</script></template>",
        "<select><option>x</option></select>",
        "<plaintext><b>x",
        "<title>x</title>",
        "<keygen autofocus onfocus=alert(1)>",
        "<marquee onstart=alert(1)>x</marquee>",
        "<isindex action=javascript:alert(1)>",
    ],
)
def test_names_the_parser_knows_are_not_taken_for_unknown_ones(source):
    out = propre(source)
    assert output_is_safe(out), out
    assert not {name.lower() for name in names(out)} & (
        KNOWN_ELEMENTS - {"p", "b", "br", "img", "code", "span"}
    ), out


def test_at_most_32_unknown_names_are_kept_in_one_text():
    tags = [f"tag{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(100)]  # (no model)
    source = " ".join(f"<{tag}>mot{i}</{tag}>" for i, tag in enumerate(tags))
    out = propre(source)
    kept = {name for name in names(out) if name.startswith("tag")}
    assert len(kept) == 32
    assert all(f"mot{i}" in out for i in range(100))
    assert clean(out) == out


# ---------------------------------------------------------------- styles


def test_a_typed_style_is_kept_as_typed():
    """SPIP keeps ``text-align:left;`` as typed (oracle case 249); nh3's own filter wrote
    ``text-align:left``."""
    out = propre('<p style="text-align: center;">centré</p><hr style="background: #9bd;" />')
    styles = [el.get("style") for el in elements(out) if el.get("style")]
    assert styles == ["text-align: center;", "background: #9bd;"]


@pytest.mark.parametrize(
    "style",
    [
        "background: url(https://tracker.example/pixel.png)",
        "background:URL(https://tracker.example/pixel.png)",
        "background: u\\rl(https://tracker.example/pixel.png)",
        "background: image-set('https://tracker.example/x.png' 1x)",
        "width: expression(alert(1))",
        "color: red; /* */ background: url(x)",
        "behavior: url(x.htc)",
        "-moz-binding: url(x.xml#y)",
    ],
)
def test_a_style_that_could_fetch_or_run_something_is_dropped(style):
    out = propre(f'<span style="{style}">x</span>')
    for element in elements(out):
        value = (element.get("style") or "").lower()
        assert "url" not in value and "expression" not in value and "image" not in value


@pytest.mark.parametrize("attribute", ["style", "STYLE", "sTyLe"])
def test_a_style_attribute_is_filtered_whatever_its_case(attribute):
    out = propre(f'<span {attribute}="color: red; background: url(https://t.example/x)">x</span>')
    assert [el.get("style") for el in elements(out) if el.tag == "span"] == ["color: red"]


def test_styles_in_a_resolvers_document_are_filtered_too():
    class Resolver:
        def link(self, kind, id):
            return None

        def document(self, id, *, align, kind):
            return '<figure style="background:url(https://t.example/x); float: left">d</figure>'

    out = propre("<doc1|left>", resolver=Resolver())
    assert [el.get("style") for el in elements(out) if el.tag == "figure"] == [" float: left"]


def test_only_the_declarations_that_may_stay_are_kept():
    assert filter_style("color: red; position: fixed; text-align:left;") == (
        "color: red; text-align:left;"
    )
    assert filter_style("position: fixed") is None
    assert filter_style("color: rgb(1, 2, 3)") == "color: rgb(1, 2, 3)"


css_values = st.lists(
    st.one_of(
        st.sampled_from(
            ["color", "background", "text-align", "position", ":", ";", "(", ")", "url(", "rgb(",
             "'", '"', "\\", "/*", "red", " ", "calc(", "1px", "expression("]
        ),
        st.text(max_size=5),
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(css_values)
def test_filter_style_keeps_only_allowed_properties_and_functions_and_is_idempotent(value):
    kept = filter_style(value)
    if kept is None:
        return
    assert filter_style(kept) == kept
    lowered = kept.lower()
    assert "url(" not in lowered and "expression(" not in lowered and "\\" not in kept
    for declaration in kept.split(";"):
        if ":" in declaration and "(" not in declaration and "'" not in declaration:
            assert declaration.split(":")[0].strip().lower() in ALLOWED_STYLE_PROPERTIES


# ---------------------------------------------------------------- <base>


def test_a_typed_base_is_shown_as_text_as_on_spip_public_pages():
    out = propre('<base href="https://evil.example/">')
    assert "base" not in names(out)
    assert '<base href="https://evil.example/">' in "".join(elements(out)[0].itertext())
    assert "base" not in names(typo('<BASE href="https://evil.example/">'))


# ---------------------------------------------------------------- <math>


def test_math_formulas_become_mathml_without_any_request():
    out = propre("<math>\nUne fraction ${1\\over z}$ et $\\alpha$\n$$\\sum_{i=0}^n i^2$$\n</math>")
    tags = [el.tag for el in elements(out)]
    assert tags.count(MATHML + "math") == 3
    assert MATHML + "mfrac" in tags and MATHML + "munderover" in tags
    assert "img" not in tags and "math.spip.org" not in out
    displays = [el.get("display") for el in elements(out) if el.tag == MATHML + "math"]
    assert displays == ["inline", "inline", "block"]
    centred = [el for el in elements(out) if el.tag == "p" and el.get("style")]
    assert centred and centred[0].get("style") == "text-align: center;"
    assert output_is_safe(out)


def test_math_keeps_the_tex_source_as_annotation_and_the_shortcuts_around():
    out = propre("<math>Les {raccourcis} et $x^2$</math>")
    assert "<i>raccourcis</i>" in out
    (annotation,) = [el for el in elements(out) if el.tag == MATHML + "annotation"]
    assert annotation.text == "x^2" and annotation.get("encoding") == "application/x-tex"
    assert "<math>" not in out.replace('<math display="inline">', "")


def test_unreadable_tex_is_shown_as_code_as_spip_does_offline():
    out = propre("<math>$\\frac{$</math>")
    assert same_html("<p><tt><span class='spip_code' dir='ltr'>\\frac{</span></tt></p>", out)


def test_links_in_tex_never_become_links():
    out = propre("<math>$\\href{javascript:alert(1)}{x}$</math>")
    assert all(el.get("href") is None for el in elements(out))
    assert output_is_safe(out)


def test_an_unclosed_math_block_runs_to_the_end_and_math_in_code_is_left_alone():
    out = propre("<code><math>$x$</math></code> puis <math>$y$")
    tags = [el.tag for el in elements(out)]
    assert tags.count(MATHML + "math") == 1
    assert "&lt;math&gt;$x$&lt;/math&gt;" in out


def test_formulas_beyond_the_budget_are_shown_as_code():
    out = propre("<math>" + "$a$ " * (MAX_FORMULAS + 10) + "</math>")
    tags = [el.tag for el in elements(out)]
    assert tags.count(MATHML + "math") == MAX_FORMULAS
    assert tags.count("tt") == 10


def test_typo_does_not_read_math_blocks_as_spip_does():
    assert "$x$" in typo("<math>$x$</math>")


def test_math_in_reader_comments_is_escaped():
    out = render("<math>$x$</math>", trusted=False).html
    assert MATHML + "math" not in [el.tag for el in elements(out)]


# ---------------------------------------------------------------- hreflang


class LangResolver:
    def link(self, kind, id):
        return {
            ("article", 1): ("/en/a/", "An English article", "en"),
            ("article", 2): ("/fr/b/", "Un article français", "fr"),
            ("auteur", 3): ("/auteurs/c/", "Camille"),
        }.get((kind, id))

    def document(self, id, *, align, kind):
        return None


@pytest.mark.parametrize(
    ("source", "lang", "hreflang"),
    [
        ("[->article1]", "fr", "en"),
        ("[->article2]", "fr", None),
        ("[->article2]", "en", "fr"),
        ("[->auteur3]", "en", None),
        ("[texte{de}->article2]", "fr", "de"),
    ],
)
def test_internal_links_carry_hreflang_when_the_target_speaks_another_language(
    source, lang, hreflang
):
    out = propre(source, lang=lang, resolver=LangResolver())
    (link,) = [el for el in elements(out) if el.tag == "a"]
    assert link.get("hreflang") == hreflang


def test_documents_compare_equal_as_browsers_build_them():
    """The conformance check's comparison: quoting, entities, void syntax are the parser's."""
    assert document("<p class='a'>&#171;x&#187;<br /></p>") == document('<p class="a">«x»<br></p>')
    assert document("<p>a</p>\n<p>b</p>") == document("<p>a</p><p>b</p>")
    assert document("<p>a <b>b</b></p>") != document("<p>a<b>b</b></p>")
    assert document("<pre>a  b</pre>") != document("<pre>a b</pre>")


def test_presentational_attributes_of_old_spip_html_are_kept_and_nothing_that_loads():
    out = propre(
        '<img src="/a.png" align="left" border="0" hspace="5" onerror="x"> '
        '<table border="1" cellpadding="2" background="https://t.example/x.png"><tr>'
        '<td bgcolor="#eee" valign="top" width="50%">x</td></tr></table>'
        '<p align="center">c</p><hr noshade size="1">'
    )
    found = {el.tag: dict(el.attrib) for el in elements(out)}
    assert found["img"] == {"src": "/a.png", "align": "left", "border": "0", "hspace": "5"}
    assert found["table"] == {"border": "1", "cellpadding": "2"}
    assert found["td"] == {"bgcolor": "#eee", "valign": "top", "width": "50%"}
    assert found["p"] == {"align": "center"} and found["hr"] == {"noshade": "", "size": "1"}


math_soup = st.lists(
    st.one_of(
        st.sampled_from(["<math>", "</math>", "<MATH>", "$", "$$", "\\frac{", "}", "{", "x^2",
                         "\\href{javascript:alert(1)}{x}", "<code>", "</code>", "\n\n", "<",
                         "\\begin{matrix}", "&", "\\\\", "\\alpha", "<script>", "{{gras}}"]),
        st.text(max_size=5),
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(math_soup)
def test_any_math_text_converts_to_safe_output(text):
    out = propre(text)
    assert output_is_safe(out) and clean(out) == out
    formulas = [el for el in elements(out) if el.tag == MATHML + "math"]
    assert len(formulas) <= MAX_FORMULAS
    for formula in formulas:
        assert all(el.get("href") is None for el in formula.iter())


def test_the_engine_stays_pure():
    """redac.typo imports nothing from Django (DESIGN.md), even with embeds and formulas."""
    import subprocess
    import sys

    code = (
        "import sys, redac.typo, redac.typo.embeds, redac.typo.math;"
        "redac.typo.propre('<math>$x$</math>');"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    "source",
    [
        "<math><maction actiontype=statusline>x</maction></math>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<math><malignmark><style><img src onerror=alert(1)>",
        "<svg><foreignObject><p><style><img src=x onerror=alert(1)>",
    ],
)
def test_mathml_and_svg_names_are_never_taken_for_unknown_elements(source):
    """Raw MathML reaches the sanitiser through typo() (propre() reads <math> as TeX): only the
    MathML Core subset is kept, never the elements that change how the parser reads what follows."""
    for out in (typo(source), propre(source)):
        assert output_is_safe(out), out
        assert not {"maction", "mglyph", "malignmark", "foreignObject", "foreignobject"} & {
            el.tag.rsplit("}", 1)[-1] for el in elements(out)
        }
