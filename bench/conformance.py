"""Agreement of redac.typo with SPIP 4.3.5, per function, as the documents a browser builds.

Run: ``.venv/bin/python bench/conformance.py [../shared/spip]``. Runs the conformance runner
(``tests.support.conformance``: both outputs parsed by html5lib and compared as documents) against
SPIP's public-template output (``expected_public``) and its direct calls (``expected``), prints a
table per corpus file and function, and writes ``bench/results/conformance.json``. Not a timing:
the figures do not depend on the machine.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.conformance import run  # noqa: E402


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "spip"
    results = {}
    print(f"{'SPIP output':16} {'corpus file':28} {'propre':>18} {'typo':>18} {'together':>18}")
    for field in ("expected_public", "expected"):
        summary = run(corpus, out=io.StringIO(), expected_field=field)
        results[field] = summary
        for name, figures in summary["files"].items():
            functions = figures["functions"]
            if not functions:
                continue
            cells = []
            for function in ("propre", "typo"):
                f = functions.get(function)
                cells.append(f"{f['agree']}/{f['total']} {100 * f['ratio']:5.1f} %" if f else "-")
            together = f"{figures['agree']}/{figures['total']} {100 * figures['ratio']:5.1f} %"
            print(f"{field:16} {name:28} {cells[0]:>18} {cells[1]:>18} {together:>18}")
            for category, score in figures["separate"].items():
                print(f"{'':16} {'  apart: ' + category:28} {score['agree']}/{score['total']}")
    out = ROOT / "bench" / "results" / "conformance.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
