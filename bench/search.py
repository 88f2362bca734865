"""Search latency: 20,000 generated French articles, 200 mixed queries, on SQLite and PostgreSQL.

    python bench/search.py            # both databases; writes bench/results/search.json
    python bench/search.py --only sqlite

Articles are written straight into the index tables (bulk inserts, as ``rebuild_search_index``
would leave them) so the benchmark measures searching, not page creation. Each query is timed
through ``redac.search.services.search`` including the first page of highlighted snippets, i.e.
everything the search view does except template rendering. PostgreSQL runs in a database created
for the run (``redac_i7_bench``) and dropped afterwards. Figures depend on the machine's load:
report them with it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "search.json"
ARTICLES = int(os.environ.get("REDAC_BENCH_ARTICLES", "20000"))
QUERIES = 200
PG_ADMIN_URL = os.environ.get("REDAC_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "redac_i7_bench"

WORDS = """
réforme retraites pension salaire travail emploi chômage syndicat grève manifestation
gouvernement ministre assemblée sénat député élection municipale régionale européenne vote
hôpital santé médecin infirmière urgences patient soins pharmacie vaccin épidémie
école collège lycée université étudiant enseignant élève professeur rentrée diplôme
logement loyer propriétaire locataire expulsion bailleur construction quartier ville commune
transport train gare métro autobus vélo voiture route autoroute aéroport kérosène
énergie électricité nucléaire éolienne solaire chauffage facture prix inflation budget impôt
climat sécheresse canicule inondation forêt rivière pollution biodiversité agriculture paysan
culture théâtre cinéma musique festival bibliothèque musée livre exposition concert
justice tribunal procès avocat juge police prison droit liberté loi décret
Europe États-Unis Allemagne Italie Espagne Royaume-Uni Chine Afrique Bénin Brésil
association bénévole militant citoyen pétition rassemblement collectif coopérative mutuelle
numérique internet données plateforme réseau téléphone fracture accès service public
""".split()
FILLER = """le la les un une des du de et à en pour avec sur dans par qui que est sont a ont
cette ces leur nos plus moins très aussi encore déjà selon après avant depuis pendant""".split()


SYLLABLES = "ba ro ti del mon vi char pel an cour ri ne sa gou fer lin po tra mi es".split()


def _vocabulary() -> tuple[list[str], list[float]]:
    """Word frequencies follow Zipf's law, as in real text: function words first, the topic words
    (the ones queries use) among the first two thousand ranks, then a long tail of rarer words
    (synthetic, built from syllables). A flat distribution would make every query word appear in
    half the archive, which no newsroom's archive looks like."""
    rng = random.Random(3)
    synthetic = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                        for _ in range(12_000)})  # fmt: skip
    rng.shuffle(synthetic)
    head = WORDS + synthetic[:1800]
    rng.shuffle(head)
    vocab = FILLER + head + synthetic[1800:]
    weights, total = [], 0.0
    for rank in range(len(vocab)):
        total += 1.0 / (rank + 1)
        weights.append(total)
    return vocab, weights


VOCAB, CUM_WEIGHTS = _vocabulary()


def sentence(rng: random.Random, n: int) -> str:
    words = rng.choices(VOCAB, cum_weights=CUM_WEIGHTS, k=n)
    return " ".join(words).capitalize() + "."


def make_queries(rng: random.Random) -> list[dict]:
    """200 queries: one word, two or three words, unaccented capitals, plural, a rarer word,
    filtered by type and date, second page."""
    from unicodedata import combining, normalize

    def unaccent(s):
        return "".join(c for c in normalize("NFKD", s) if not combining(c))

    queries = []
    for i in range(QUERIES):
        kind = i % 8
        if kind == 0:
            q = {"q": rng.choice(WORDS)}
        elif kind == 1:
            q = {"q": " ".join(rng.sample(WORDS, 2))}
        elif kind == 2:
            q = {"q": " ".join(rng.sample(WORDS, 3))}
        elif kind == 3:
            q = {"q": unaccent(rng.choice(WORDS)).upper()}
        elif kind == 4:
            q = {"q": rng.choice(WORDS) + "s"}
        elif kind == 5:
            q = {"q": rng.choice(VOCAB[2000:6000])}  # a rarer word
        elif kind == 6:
            q = {"q": rng.choice(WORDS), "kinds": ["article"], "days": 90}
        else:
            q = {"q": " ".join(rng.sample(WORDS, 2)), "page": 2}
        queries.append(q)
    return queries


def worker(backend: str) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from redac.search import analysis
    from redac.search.index import FTS_TABLE
    from redac.search.models import SearchEntry
    from redac.search.services import Filters, search

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    now = timezone.now()
    started = time.perf_counter()
    entries = []
    for n in range(ARTICLES):
        entries.append(SearchEntry(
            kind="article" if n % 5 else "breve", object_id=n + 1,
            title=sentence(rng, 8)[:-1], chapo=sentence(rng, 25),
            body=" ".join(sentence(rng, rng.randint(10, 20)) for _ in range(rng.randint(8, 20))),
            url=f"/bench/{n}/", date=now - timezone.timedelta(minutes=37 * n),
            path=f"00010001{n % 7:04d}", section_title="Bench",
        ))  # fmt: skip
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        created = SearchEntry.objects.bulk_create(entries, batch_size=1000)
        if connection.vendor == "sqlite":
            if not created or created[0].pk is None:
                created = list(SearchEntry.objects.order_by("pk"))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, chapo, body) VALUES (%s, %s, %s, %s)",
                    [(e.pk, analysis.analysed(e.title), analysis.analysed(e.chapo),
                      analysis.analysed(e.body)) for e in created],
                )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE redac_search_searchentry")
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    load_seconds = time.perf_counter() - started

    queries = make_queries(random.Random(11))
    for q in queries[:20]:  # warm-up: connection, caches
        list(search(q["q"]).page)
    timings, hits = [], 0
    for q in queries:
        filters = Filters(kinds=q.get("kinds", []))
        if q.get("days"):
            filters.date_from = (now - timezone.timedelta(days=q["days"])).date()
        t0 = time.perf_counter()
        results = search(q["q"], filters, q.get("page", 1))
        list(results.page)
        timings.append((time.perf_counter() - t0) * 1000)
        hits += results.count > 0
    timings.sort()
    return {
        "backend": backend,
        "database": connection.vendor,
        "articles": ARTICLES,
        "queries": len(queries),
        "queries_with_results": hits,
        "load_seconds": round(load_seconds, 1),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "load_average_1m_after": round(os.getloadavg()[0], 1),
    }


def _pg(sql: str):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                         autocommit=True) as conn:  # fmt: skip
        conn.execute(sql)


def run(backend: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "redac.settings", "REDAC_LOG_LEVEL": "ERROR"}
    tmp = tempfile.mkdtemp(prefix="redac-bench-search-")
    env["REDAC_DATA_DIR"] = tmp
    if backend == "postgres":
        _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
        _pg(f"CREATE DATABASE {PG_DB}")
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    else:
        env.pop("DATABASE_URL", None)
    try:
        out = subprocess.run([sys.executable, __file__, "--worker", backend], env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True)  # fmt: skip
    finally:
        if backend == "postgres":
            _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    backends = [args.only] if args.only else ["sqlite", "postgres"]
    results = [run(b) for b in backends]
    print(f"{'backend':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'hits':>6} {'load s':>7}")
    for r in results:
        print(f"{r['backend']:<10} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8} "
              f"{r['queries_with_results']:>6} {r['load_seconds']:>7}")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "search",
        "target": "p95 <= 50 ms on both databases",
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "note": "2 cores shared with other engineers' test runs (contention)"},
        "results": results,
    }, indent=2) + "\n")  # fmt: skip
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
