"""CSV exports that a spreadsheet opens as text, never as formulas (security case 10).

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel
and LibreOffice (``=HYPERLINK(...)``, ``@SUM(...)|cmd``): such cells get a leading apostrophe, the
OWASP-recommended neutralisation, which the spreadsheet shows as plain text.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that Excel reads UTF-8 accents correctly
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
