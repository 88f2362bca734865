"""Benchmark of ``redac import-spip`` (issue 4): a SPIP 4-shaped site of 5,000 articles, 3,000
brèves, 50 rubriques, 2,000 comments and 200 keywords, imported into a fresh SQLite redac, then
imported again without changes.

    .venv/bin/python bench/import.py [--articles 5000 ...]

Prints a table and writes bench/results/import.json. Targets: >= 200 objects/s, peak memory
< 600 MB, no-change re-run >= 5x faster than the first run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--breves", type=int, default=3000)
    parser.add_argument("--rubriques", type=int, default=50)
    parser.add_argument("--forums", type=int, default=2000)
    parser.add_argument("--keywords", type=int, default=200)
    parser.add_argument("--output", default=str(REPO / "bench" / "results" / "import.json"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="redac-bench-import-"))
    os.environ["REDAC_DATA_DIR"] = str(work / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redac.settings")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(REPO))

    from tests.support.spip_sites import SiteSpec, build_sqlite

    spec = SiteSpec(articles=args.articles, breves=args.breves, rubriques=args.rubriques,
                    forums=args.forums, keywords=args.keywords, visit_days=365, awkward=False)  # fmt: skip
    img = work / "IMG"
    img.mkdir()
    source = build_sqlite(work / "spip.sqlite", spec, img)

    redac = [sys.executable, "-m", "redac.cli"]
    subprocess.run([*redac, "migrate", "-v0"], check=True, cwd=REPO)
    runs = []
    for label in ("first", "no-change"):
        report = work / f"report-{label}.json"
        start = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([*redac, "import-spip", str(source), "--img", str(img), "--report",
                        str(report)], check=True, cwd=REPO, stdout=subprocess.DEVNULL)  # fmt: skip
        elapsed = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU time (user + sys) of the command: on a shared machine wall time includes waiting
        # for a core, CPU time does not.
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        data = json.loads(report.read_text())
        objects = sum(data[k] for k in ("rubriques", "articles", "breves", "auteurs",
                                        "groupes_mots", "mots", "documents", "forums"))  # fmt: skip
        runs.append({"run": label, "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
                     "objects": objects, "import_seconds": data["seconds"]})  # fmt: skip
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    first, again = runs
    total = first["objects"]
    result = {
        "benchmark": "import-spip",
        "site": {"articles": args.articles, "breves": args.breves, "rubriques": args.rubriques,
                 "forums": args.forums, "keywords": args.keywords},
        "runs": runs,
        # the import's own time (the command's report), without the interpreter's start-up
        "objects_per_second": round(total / max(first["import_seconds"], 0.001), 1),
        "objects_per_second_wall_clock": round(total / first["seconds"], 1),
        # the whole command (start-up included) per CPU second: independent of other jobs
        "objects_per_cpu_second": round(total / max(first["cpu_seconds"], 0.001), 1),
        "peak_memory_mb": round(peak_mb, 1),
        "rerun_speedup": round(first["import_seconds"] / max(again["import_seconds"], 0.001), 1),
        "rerun_speedup_wall_clock": round(first["seconds"] / again["seconds"], 1),
        "targets": {"objects_per_second": 200, "peak_memory_mb": 600, "rerun_speedup": 5},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "database": "sqlite",
        "note": "measured on a shared 2-core machine while other jobs ran (contention)",
    }  # fmt: skip
    print(f"{'run':<10} {'wall s':>8} {'cpu s':>8} {'import s':>9} {'objects':>8}")
    for run in runs:
        print(f"{run['run']:<10} {run['seconds']:>8} {run['cpu_seconds']:>8} "
              f"{run['import_seconds']:>9} {run['objects']:>8}")  # fmt: skip
    print(f"objects/s {result['objects_per_second']}  per CPU s "
          f"{result['objects_per_cpu_second']}  peak {result['peak_memory_mb']} MB  "
          f"re-run x{result['rerun_speedup']}")  # fmt: skip
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
