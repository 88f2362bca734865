"""Lists ``-*``, ``-#``, nested ``-**``/``-##`` (textwheel ``spip-listes``).

The text is cut at blank lines; in each part, an item runs from its ``-*``/``-#`` marker
to the next line starting with ``-`` (or the end of the part).  Depth is the number of
``*``/``#``; a change of marker at the same depth closes the list and opens the other
kind.  Everything is a single left-to-right pass with a stack: linear in the input,
whatever the nesting depth.
"""

from __future__ import annotations

import re

_ITEM = re.compile(r"\n-(\*+|#+)(?![*#])")
_LIST_CLASS = ' class="spip" role="list"'


def lists(text: str) -> str:
    if not re.search(r"\n-[*#]", text):
        return text
    parts = text.split("\n\n")
    for index, part in enumerate(parts):
        if "-" in part and ("-*" in part or "-#" in part):
            parts[index] = _list_part(part)
    return "\n\n".join(parts)


def _list_part(part: str) -> str:
    part = "\n" + part
    out: list[str] = []
    level = 0
    li_stack: dict[int, str] = {}
    type_stack: dict[int, str] = {}
    current_type = ""
    pos = 0
    find = part.find
    for m in _ITEM.finditer(part):
        if m.start() < pos:
            continue
        out.append(part[pos : m.start()])
        marker = m.group(1)
        depth = len(marker)
        new_type = "ol" if marker[0] == "#" else "ul"
        content_end = find("\n-", m.end())
        if content_end < 0:
            content_end = len(part)
        content = part[m.end() : content_end]
        pos = content_end
        add: list[str] = []
        change = 1 if (current_type and current_type != new_type and depth == level) else 0
        current_type = new_type
        while level > depth - change:
            add.append(li_stack.get(level, ""))
            add.append(type_stack.get(level, ""))
            if not change:
                li_stack.pop(level, None)
            level -= 1
        if level == depth and not change:
            add.append(li_stack.get(level, ""))
        while level < depth:
            if level == 0:
                add.append("\n\n")
            elif level not in li_stack:
                add.append("<li>")
                li_stack[level] = "</li>"
            level += 1
            add.append(f"<{current_type}{_LIST_CLASS}>")
            type_stack[level] = f"</{current_type}>"
        add.append("<li>")
        li_stack[depth] = "</li>"
        if not content.strip(" \t\n\r\0\x0b"):
            content = "&nbsp;"
        out.append("".join(add))
        out.append(content)
    out.append(part[pos:])
    closing: list[str] = []
    while level > 0:
        closing.append(li_stack.get(level, ""))
        closing.append(type_stack.get(level, ""))
        level -= 1
    out.append("".join(closing))
    return "".join(out)
