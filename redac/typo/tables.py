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
import re

from .blocks import AUTOBR, table_id

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


def tables(text: str) -> str:
    text = _INIT.sub("\n\n|", text, count=1)
    text = _START.sub("\n\n\n\n|", text)
    text = _END.sub("|\n\n\n\n", text)
    # row ends: '|' + '\n' followed by a character that is not '|'
    ends = [m.start() for m in re.finditer(r"\|\n(?=[^|])", text)]
    out: list[str] = []
    pos = 0
    search = 0
    length = len(text)
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
        out.append(text[pos:start])
        out.append(traiter_tableau(block))
        pos = end + 2
        search = end + 3
    out.append(text[pos:])
    return "".join(out)


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


def traiter_tableau(block: str) -> str:
    from .lists import lists

    tabid = table_id(block)
    lines: list[list[str]] = []
    head = ""
    summary = ""
    header_cols: dict[int, str] = {}
    header_ok = False
    row_number = 0
    for row in _rows(block):
        row_number += 1
        if not header_ok and row_number == 1:
            cap = _CAPTION.match(row.rstrip("|"))
            if cap:
                row_number = 0
                described = (cap.group(3) or "").strip()
                caption = cap.group(1).strip()
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
                html_row = ""
                colspan = 1
                for c in range(len(cols) - 1, -1, -1):
                    attr = ""
                    if cols[c] == "<":
                        colspan += 1
                        continue
                    if colspan > 1:
                        attr = f" colspan='{colspan}'"
                        colspan = 1
                    html_row = (
                        f"<th id='id{tabid}_c{c}'{attr}>{_strip_braces(cols[c])}</th>" + html_row
                    )
                    header_cols[c] = f"id{tabid}_c{c}"
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
    numeric: list[str] = []
    rowspans = [[1] * max(width, len(r)) for r in lines]
    for i in range(width):
        align: bool | str = True
        for j in range(count):
            cell = lines[j][i].strip() if i < len(lines[j]) else ""
            if align:
                ok, sep = _numeric(cell)
                if ok:
                    if sep:
                        align = sep
                else:
                    align = ""
            else:
                align = ""
        numeric.append(f" class='numeric {_NUMERIC_CLASS[align]}'" if align else "")
    row_heads: dict[int, str] = {}
    for j in range(count):
        if lines[j] and _HEADER_CELL.match(lines[j][0]):
            row_heads[j] = f"id{tabid}_l{j}"
        else:
            row_heads.pop(0, None)
    if 0 not in row_heads:
        row_heads = {}
    body_rows: list[str] = []  # built bottom-up (rowspans flow upwards), then reversed
    for lnum in range(count - 1, -1, -1):
        cols = lines[lnum]
        colspan = 1
        html_row = ""
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
                html_row = f"\n<{tag}{attr}>{content}</{tag}>" + html_row
        parity = "odd" if (lnum + 1) % 2 else "even"
        body_rows.append(f"<tr class='row_{parity} {parity}'>{html_row}</tr>\n")
    body = "".join(reversed(body_rows))
    return f'\n\n<table class="table spip"{summary}>\n{head}<tbody>\n{body}</tbody>\n</table>\n\n'
