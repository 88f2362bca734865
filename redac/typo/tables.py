"""Tables ``| a | b |`` (textwheel ``spip-tableaux`` and SPIP ``traiter_tableau``).

* a first row made only of ``{{…}}`` cells (or ``<``) is the header (``<thead>``);
* ``||caption|summary||`` as first row gives ``<caption>`` and ``aria-describedby``;
* ``<`` merges a cell with the one on its left (colspan), ``^`` with the one above;
* columns whose cells all look numeric get ``class="numeric"``;
* ids are ``id`` + 4 hex digits of the md5 of the table source, as in SPIP.

Table blocks are located with a precomputed list of row ends, never by re-scanning.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from functools import partial

from . import budget
from .escapes import TOKEN_OPEN

#: SPIP's line break for a single newline in a paragraph (and in a table cell).
AUTOBR = "<br class='autobr' />"


def table_id(block: str) -> str:
    """First 4 hex digits of the md5 of the table source (SPIP's table ids)."""
    return hashlib.md5(block.encode("utf-8"), usedforsecurity=False).hexdigest()[:4]


_HEADER_ROW = re.compile(r"^(\|(\s*(:?\{\{[^{}]+\}\}\s*)?|<))+$", re.S)
_HEADER_CELL = re.compile(r"^(\s*(:?\{\{[^{}]+\}\}\s*)?|<)$", re.S)
_CAPTION = re.compile(r"^\|\|([^|]*)(\|(.*))?$", re.S)
_CELLS = re.compile(r"\|([^|]*)")
_NUMERIC = re.compile(r"[\s\d]*(?:([.,])\d*)?")
_MANY_NL = re.compile(r"\n{2,}")
_INIT = re.compile(r"^\n?\|")
_START = re.compile(r"\n\n+\|")
_END = re.compile(r"\|(\n\n+|\n?$)")
_NUMERIC_CLASS = {".": "point", ",": "virgule", True: ""}
# a column of numbers: each cell (joined by TOKEN_OPEN) is, once stripped of blanks, of
# leading '{', '+', '-' and trailing '}', digits and blanks with at most one decimal mark
_NUMERIC_CELL = r"\s*[{+-]*[\s\d]*(?:[.,]\d*)?\}*\s*"
_NUMERIC_CELLS = re.compile(_NUMERIC_CELL + "(?:" + TOKEN_OPEN + _NUMERIC_CELL + ")*")
# row headers: each first cell (joined by TOKEN_OPEN) is blank, bold or "<"
_HEADER_CELL_X = r"(?:\s*(?::?\{\{[^{}" + TOKEN_OPEN + r"]+\}\}\s*)?|<)"
_HEADER_CELLS = re.compile(_HEADER_CELL_X + "(?:" + TOKEN_OPEN + _HEADER_CELL_X + ")*")
_LINK_START = re.compile(r"<a\s", re.I)
_LINK_END = re.compile(r"</a>", re.I)
# cell texts the rest of the block wheel and the paragrapher leave as they are: no
# shortcut character, tag, quote, tab or carriage return, a line break only where no
# rule starts (not before a blank, '-', '_' or '|'), only plain character references;
# joined by TOKEN_OPEN
_PLAIN_TEXTS = re.compile(
    r"(?:[^<>{}\[\]|\\_\n\r\t\x00&'\"\ufdd0-\ufdda\ufddc-\ufdef]|\n(?![ \n_|-])"
    r"|&(?:#[0-9]{1,7}|nbsp|amp|lt|gt|quot);)*"
)


def tables(text: str, escapes=None) -> str:
    """Render the tables of ``text``; with ``escapes``, a table of plain cells outside any
    link is hidden there, already in the sanitiser's form (see :func:`traiter_tableau`)."""
    text = _INIT.sub("\n\n|", text, count=1)
    text = _START.sub("\n\n\n\n|", text)
    text = _END.sub("|\n\n\n\n", text)
    # row ends: '|' + '\n' followed by a character that is not '|'
    ends = [m.start() for m in re.finditer(r"\|\n(?=[^|])", text)]
    out: list[str] = []
    pos = 0
    search = 0
    length = len(text)
    links: tuple[list[int], list[int]] | None = None
    # (looked for once: a search of the whole text per table reads it once per table)
    has_links = escapes is not None and ("<a" in text or "<A" in text)
    budget.charge(4 * length)
    while True:
        start = text.find("\n|", search)
        if start < 0:
            break
        if start == 0 or text[start - 1] == "|":
            search = start + 1
            continue
        k = bisect.bisect_left(ends, start + 2)
        if k >= len(ends):
            break
        end = ends[k]
        if end + 2 >= length:
            break
        block = text[start : end + 2]
        budget.charge(len(block))
        out.append(text[pos:start])
        # (a table in a link is left to the paragrapher's rule for blocks in links)
        in_link = False
        if has_links:
            if links is None:
                links = (
                    [m.start() for m in _LINK_START.finditer(text)],
                    [m.start() for m in _LINK_END.finditer(text)],
                )
            in_link = _in_link(links[0], links[1], start)
        out.append(traiter_tableau(block, None if in_link else escapes))
        pos = end + 2
        search = end + 3
    out.append(text[pos:])
    return "".join(out)


def _in_link(starts: list[int], ends: list[int], pos: int) -> bool:
    """Whether the last link start before ``pos`` comes after the last link end."""
    k = bisect.bisect_left(starts, pos)
    if not k:
        return False
    j = bisect.bisect_left(ends, pos)
    return j == 0 or ends[j - 1] < starts[k - 1]


def _rows(block: str) -> list[str]:
    rows = []
    pos = 0
    while True:
        start = block.find("|", pos)
        if start < 0:
            break
        end = block.find("|\n", start + 1)
        if end < 0:
            break
        rows.append(block[start:end])
        pos = end + 2
    return rows


def _strip_braces(text: str) -> str:
    return text.replace("{", "").replace("}", "")


def _numeric(cell: str) -> tuple[bool, str]:
    core = cell.lstrip("{+-").rstrip("}")
    m = _NUMERIC.fullmatch(core)
    if not m:
        return False, ""
    return True, m.group(1) or ""


def traiter_tableau(block: str, escapes=None) -> str:
    """Render one table block.  With ``escapes``, a table whose texts are all plain (see
    :data:`_PLAIN_TEXTS`) is written in the sanitiser's form and hidden behind a block
    marker: the rest of the block wheel then skips it, and it crosses nh3 as a token."""
    from .lists import lists

    tabid = table_id(block)
    lines: list[list[str]] = []
    head = ""
    summary = ""
    header_cols: dict[int, str] = {}
    header_ok = False
    row_number = 0
    head_texts: list[str] = []
    for row in _rows(block):
        row_number += 1
        if not header_ok and row_number == 1:
            cap = _CAPTION.match(row.rstrip("|"))
            if cap:
                row_number = 0
                described = (cap.group(3) or "").strip()
                caption = cap.group(1).strip()
                head_texts.append(caption)
                ident = "dby" + tabid
                if described:
                    summary = f' aria-describedby="{ident}"'
                if caption:
                    if described:
                        caption += (
                            f'<br /> <small id="{ident}" class="summary offscreen">'
                            f"{described}</small>"
                        )
                    head += f"<caption>{caption}</caption>\n"
                elif described:
                    head += (
                        f'<caption id="{ident}" class="summary offscreen"><small>'
                        f"{described}</small></caption>\n"
                    )
            elif _HEADER_ROW.match(row):
                cols = _CELLS.findall(row)
                # cells are built right to left (a '<' widens the cell on its left), into a
                # list reversed once: prepending to a string copies the row at each cell
                html_cells: list[str] = []
                colspan = 1
                for c in range(len(cols) - 1, -1, -1):
                    attr = ""
                    if cols[c] == "<":
                        colspan += 1
                        continue
                    if colspan > 1:
                        attr = f" colspan='{colspan}'"
                        colspan = 1
                    text = _strip_braces(cols[c])
                    head_texts.append(text)
                    html_cells.append(f"<th id='id{tabid}_c{c}'{attr}>{text}</th>")
                    header_cols[c] = f"id{tabid}_c{c}"
                html_row = "".join(reversed(html_cells))
                head += f"<thead><tr class='row_first'>{html_row}</tr></thead>\n"
                row_number = 0
                header_ok = True
        if row_number:
            if "\n-" in row:
                row = lists(row)
            cells = []
            for col in _CELLS.findall(row):
                col = col.strip(" \t\n\r\0\x0b")
                if col:
                    if "\n" in col:
                        col = _MANY_NL.sub("<br /> <br />", col).replace("\n", AUTOBR + "\n")
                cells.append(col)
            lines.append(cells)
    width = len(lines[0]) if lines else 0
    count = len(lines)
    numeric = [
        _numeric_class([row[i] if i < len(row) else "" for row in lines]) for i in range(width)
    ]
    # a column of row headers: every row's first cell is empty, bold or "<"
    row_heads = (
        count and all(lines) and _HEADER_CELLS.fullmatch(TOKEN_OPEN.join([row[0] for row in lines]))
    )
    if not any("<" in cell or "^" in cell for row in lines for cell in row):
        # no cell merged with another (the common case): each column's attributes once
        body = _body_without_spans(lines, numeric, header_cols, tabid, bool(row_heads))
    else:
        body = _body(lines, numeric, header_cols, tabid, bool(row_heads))
    table = f'<table class="table spip"{summary}>\n{head}<tbody>\n{body}</tbody>\n</table>'
    if escapes is not None and not summary:
        texts = [cell for cols in lines for cell in cols]
        texts.extend(head_texts)
        joined = TOKEN_OPEN.join(texts)
        if (
            (not texts or max(map(len, texts)) < 2000)  # (no long text to break)
            and _PLAIN_TEXTS.fullmatch(joined)
        ):
            marker = escapes.hide(table, block=True, deferred=partial(_sanitised_block, table))
            return f"\n\n{marker}\n\n"
    return f"\n\n{table}\n\n"


def _numeric_class(column: list[str]) -> str:
    """The class of a column whose cells all look numeric (SPIP: the last decimal mark
    seen names it), else ''."""
    if not _NUMERIC_CELLS.fullmatch(TOKEN_OPEN.join(column)):
        return ""
    align: bool | str = True
    for cell in reversed(column):  # (a numeric cell holds one mark at most)
        if "." in cell or "," in cell:
            align = "." if "." in cell else ","
            break
    return f" class='numeric {_NUMERIC_CLASS[align]}'"


def _body_without_spans(
    lines: list[list[str]], numeric: list[str], header_cols: dict[int, str], tabid: str, heads: bool
) -> str:
    """The body rows of a table without merged cells."""
    widest = max(map(len, lines), default=0)
    column_heads = [header_cols.get(c, "") for c in range(widest)]
    numeric = numeric + [""] * (widest - len(numeric))
    rows: list[str] = []
    if not heads:
        attrs = [
            numeric[c] + (f" headers='{column_heads[c]}'" if column_heads[c] else "")
            for c in range(widest)
        ]
        for lnum, cols in enumerate(lines):
            parity = "even" if lnum % 2 else "odd"
            cells = "".join([f"\n<td{attrs[c]}>{cell}</td>" for c, cell in enumerate(cols)])
            rows.append(f"<tr class='row_{parity} {parity}'>{cells}</tr>\n")
        return "".join(rows)
    first = numeric[0] + (f" headers='{column_heads[0]}'" if column_heads[0] else "")
    for lnum, cols in enumerate(lines):
        parity = "even" if lnum % 2 else "odd"
        row_id = f"id{tabid}_l{lnum}"
        cells = [f"\n<th{first} id='{row_id}'>{_strip_braces(cols[0])}</th>"]
        for c in range(1, len(cols)):
            head = f"{column_heads[c]} {row_id}" if column_heads[c] else row_id
            cells.append(f"\n<td{numeric[c]} headers='{head}'>{cols[c]}</td>")
        rows.append(f"<tr class='row_{parity} {parity}'>{''.join(cells)}</tr>\n")
    return "".join(rows)


def _body(
    lines: list[list[str]], numeric: list[str], header_cols: dict[int, str], tabid: str, heads: bool
) -> str:
    """The body rows of a table with cells merged with the one on their left (``<``) or
    above (``^``)."""
    count = len(lines)
    rowspans = [[1] * max(len(lines[0]), len(r)) for r in lines]
    row_heads = {j: f"id{tabid}_l{j}" for j in range(count)} if heads else {}
    body_rows: list[str] = []  # built bottom-up (rowspans flow upwards), then reversed
    for lnum in range(count - 1, -1, -1):
        cols = lines[lnum]
        colspan = 1
        html_cells: list[str] = []  # right to left, reversed once (see the header row)
        for c in range(len(cols) - 1, -1, -1):
            attr = numeric[c] if c < len(numeric) else ""
            cell = cols[c].strip()
            if cell == "<":
                colspan += 1
            elif cell == "^" and lnum > 0:
                if c < len(rowspans[lnum - 1]):
                    rowspans[lnum - 1][c] += rowspans[lnum][c]
            else:
                if colspan > 1:
                    attr += f" colspan='{colspan}'"
                    colspan = 1
                span = rowspans[lnum][c]
                if span > 1:
                    attr += f" rowspan='{span}'"
                tag = "th" if (c == 0 and lnum in row_heads) else "td"
                headers = (
                    header_cols.get(c, "") + " " + (row_heads.get(lnum, "") if tag == "td" else "")
                ).strip()
                if headers:
                    attr += f" headers='{headers}'"
                content = cols[c]
                if tag == "th":
                    attr += f" id='{row_heads[lnum]}'"
                    content = _strip_braces(content)
                html_cells.append(f"\n<{tag}{attr}>{content}</{tag}>")
        html_row = "".join(reversed(html_cells))
        parity = "odd" if (lnum + 1) % 2 else "even"
        body_rows.append(f"<tr class='row_{parity} {parity}'>{html_row}</tr>\n")
    return "".join(reversed(body_rows))


def _sanitised_block(table: str) -> tuple[str, bool] | None:
    form = sanitised_table(table)
    return (form, True) if form is not None else None


def sanitised_table(table: str) -> str | None:
    """``table`` as nh3 writes it, for a table of plain texts: attributes in double quotes
    (none holds a quote), character references decoded but for the five nh3 writes."""
    table = table.replace("'", '"')
    if "&" in table:
        table = _REFERENCE.sub(_serialised_reference, table)
        if "\ufdd0" in table:
            return None
    if "\u00a0" in table:
        table = table.replace("\u00a0", "&nbsp;")
    return table


_REFERENCE = re.compile(r"&(#[0-9]+|nbsp|amp|lt|gt|quot);")
_SERIALISED = {"nbsp": "&nbsp;", "amp": "&amp;", "lt": "&lt;", "gt": "&gt;", "quot": '"'}
_SERIALISED_CODES = {38: "&amp;", 60: "&lt;", 62: "&gt;", 160: "&nbsp;"}


def _serialised_reference(m: re.Match) -> str:
    ref = m.group(1)
    if ref[0] != "#":
        return _SERIALISED[ref]
    code = int(ref[1:])
    if code in _SERIALISED_CODES:
        return _SERIALISED_CODES[code]
    # characters the HTML parser takes as they are (not a control, C1, surrogate or
    # noncharacter, which it replaces or reports): U+FDD0 makes the caller give up
    if (
        0x20 <= code < 0x7F
        or 0xA0 <= code < 0xD800
        or 0xE000 <= code < 0xFDD0
        or 0xFDF0 <= code < 0xFFFE
    ):
        return chr(code)
    return "\ufdd0"
