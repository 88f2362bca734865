"""``<math>`` blocks: TeX formulas between ``$…$`` (inline) and ``$$…$$`` (centred).

SPIP (``ecrire/inc/math.php``, ``traiter_math()``) removes the ``<math>`` tags, keeps the text
between them for the rest of the shortcuts, and replaces each formula by what
``produire_image_math()`` returns: an image that a TeX server (``math.spip.org``) computed,
cached under ``local/cache-TeX/`` — or, with ``$traiter_math = 'mathml'``, the MathML the
server sent. Offline, the formula is shown as code (``<tt><span class='spip_code'>``).

redac makes the same formulas without asking anyone: MathML written here by ``latex2mathml``
(MathML Core renders in every current browser and is read by screen readers), so a reader's
browser never requests a third-party server, and no image cache grows. The TeX source rides
along as the formula's annotation, as SPIP kept it in the image's ``alt``. A formula
latex2mathml cannot read, or one beyond the bounds below, is shown as code, as SPIP shows it
when its server does not answer. The MathML then goes through the sanitiser's allow-list like
any other HTML (``redac.typo.sanitize``: no ``href``, no ``maction``, no ``annotation-xml``).

``latex2mathml`` is a maintained pure-Python converter: writing a TeX parser here would be the
project's largest module for a rarely used shortcut.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

#: Bounds on the work one text may ask for (a formula is converted in time about linear in its
#: length, some 15 µs a character, and recursion grows with its nesting): longer or deeper
#: formulas, and those past the first MAX_FORMULAS or MAX_TEX_CHARACTERS of TeX, are shown as
#: code. A text at the bounds takes about a quarter of a second.
MAX_FORMULA_LENGTH = 2000
MAX_FORMULAS = 200
MAX_TEX_CHARACTERS = 20_000
MAX_BRACE_DEPTH = 40

_MATH_OPEN = re.compile(r"<math>", re.I)
_MATH_CLOSE = re.compile(r"</math>", re.I)
_XMLNS = re.compile(r' xmlns="[^"]*"')


def _depth(tex: str) -> int:
    depth = best = 0
    for char in tex:
        if char == "{":
            depth += 1
            best = max(best, depth)
        elif char == "}":
            depth -= 1
    return best


def as_code(tex: str) -> str:
    """SPIP's display of a formula it could not make: the TeX source as code."""
    return f"<tt><span class='spip_code' dir='ltr'>{html.escape(tex, quote=False)}</span></tt>"


def formula(tex: str, *, block: bool) -> str:
    """MathML for one TeX formula (``display="block"`` for ``$$…$$``), or the source as code."""
    if len(tex) > MAX_FORMULA_LENGTH or _depth(tex) > MAX_BRACE_DEPTH:
        return as_code(tex)
    try:
        from latex2mathml.converter import convert

        mathml = convert(tex, display="block" if block else "inline")
    except Exception:  # any TeX latex2mathml cannot read (or RecursionError): shown as code
        return as_code(tex)
    mathml = _XMLNS.sub("", mathml, count=1)
    # the source as the formula's annotation (SPIP kept it as the image's alt and title)
    opening, _, rest = mathml.partition(">")
    inner = rest[: -len("</math>")] if rest.endswith("</math>") else rest
    annotation = f'<annotation encoding="application/x-tex">{html.escape(tex)}</annotation>'
    return f"{opening}><semantics>{inner}{annotation}</semantics></math>"


def _formulas(text: str, hide: Callable[[str], str], budget: list[int]) -> str:
    """Replace ``$$…$$`` then ``$…$`` in ``text`` (a ``<math>`` block's content): SPIP's two
    passes, in one left-to-right scan each. ``budget``: formulas and TeX characters left."""
    for delimiter, block in (("$$", True), ("$", False)):
        if delimiter not in text:
            continue
        out: list[str] = []
        pos = 0
        size = len(delimiter)
        while True:
            start = text.find(delimiter, pos)
            if start < 0:
                break
            end = text.find(delimiter, start + size)
            if end < 0:
                break
            tex = text[start + size : end]
            if not tex or "$" in tex:
                # SPIP's pattern wants at least one character and no '$' in between
                out.append(text[pos : start + 1])
                pos = start + 1
                continue
            budget[0] -= 1
            budget[1] -= len(tex)
            made = formula(tex, block=block) if min(budget) >= 0 else as_code(tex)
            if block:
                made = f'\n<p class="spip" style="text-align: center;">{made}</p>\n'
            out.append(text[pos:start])
            out.append(hide(made))
            pos = end + size
        out.append(text[pos:])
        text = "".join(out)
    return text


def traiter_math(text: str, hide: Callable[[str], str]) -> str:
    """Every ``<math>…</math>`` of ``text`` (to the end of the text when it is not closed)
    replaced by its content, formulas made and hidden with ``hide`` (the engine's escapes)."""
    if "<" not in text or not _MATH_OPEN.search(text):
        return text
    out: list[str] = []
    pos = 0
    budget = [MAX_FORMULAS, MAX_TEX_CHARACTERS]
    for opening in _MATH_OPEN.finditer(text):
        if opening.start() < pos:
            continue  # inside the block just read
        closing = _MATH_CLOSE.search(text, opening.end())
        end, after = (closing.start(), closing.end()) if closing else (len(text), len(text))
        out.append(text[pos : opening.start()])
        out.append(_formulas(text[opening.end() : end], hide, budget))
        pos = after
    out.append(text[pos:])
    return "".join(out)
