"""The agenda with 20,000 events (ten years of a federation's agenda), uncached, on SQLite.

    python bench/agenda.py            # writes bench/results/agenda.json

Renders, through Django's whole stack with the page cache off, the agenda's listing (50 upcoming
events and up to 50 past ones by month), a busy month's table, and a section filter's listing,
side by side with a baseline measured in the same run on the same database: a section's page
listing its articles (the listing readers already had). Target (issue 21): each agenda page
under 50 ms and under 12 queries.

Events are written straight into the page tables (tree paths computed as treebeard does, one
occurrence row each), as the SPIP import's bulk writer would leave them, so the benchmark measures
reading, not 20,000 publications. Figures depend on the machine's load: report them with it.
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
RESULTS = ROOT / "bench" / "results" / "agenda.json"
EVENTS = int(os.environ.get("REDAC_BENCH_EVENTS", "20000"))
RUNS = int(os.environ.get("REDAC_BENCH_RUNS", "30"))
SECTIONS = 10
TARGET_MS, TARGET_QUERIES = 50, 12

WORDS = ("réunion assemblée rassemblement manifestation atelier projection débat permanence "
         "formation conférence fête marche pique-nique concert lecture").split()  # fmt: skip
PLACES = ["Salle des fêtes", "Bourse du travail", "Place de la Mairie", "Local", "Médiathèque"]


def _load(rng: random.Random) -> dict:
    """20,000 published events in ten sections (eight years back, two ahead)."""
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from redac.agenda import timing
    from redac.agenda.models import EventOccurrence, EventPage, site_zone
    from redac.demo.build import build_demo
    from redac.news.models import HomePage, Keyword, SectionPage

    build_demo()
    home = HomePage.objects.get()
    zone = site_zone()
    keywords = list(Keyword.objects.all())
    sections = []
    for n in range(SECTIONS):
        section = SectionPage(title=f"Groupe local {n + 1}", slug=f"groupe-{n + 1}")
        home.add_child(instance=section)
        section.save_revision().publish()
        sections.append(SectionPage.objects.get(pk=section.pk))
    content_type = ContentType.objects.get_for_model(EventPage)
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=8 * 365)
    span_days = 10 * 365
    now = timezone.now()
    pages, children, occurrences, links = [], [], [], []
    per_section = {s.pk: 0 for s in sections}
    next_id = (Page.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for n in range(EVENTS):
        section = sections[n % SECTIONS]
        per_section[section.pk] += 1
        day = first_day + dt.timedelta(days=rng.randrange(span_days))
        hour = rng.choice([9, 10, 14, 18, 19, 20])
        schedule = timing.Schedule(day, dt.time(hour), end_time=dt.time(hour + 2))
        slot = schedule.slot(day, zone)
        slug = f"{rng.choice(WORDS)}-{n}"
        pk = next_id + n
        path = Page._get_path(section.path, section.depth + 1, per_section[section.pk])
        pages.append(Page(
            id=pk, path=path, depth=section.depth + 1, numchild=0, title=f"{slug.title()} "
            f"à {rng.choice(PLACES)}", draft_title=slug, slug=slug, content_type=content_type,
            live=True, has_unpublished_changes=False, url_path=f"{section.url_path}{slug}/",
            locale_id=section.locale_id, first_published_at=now, last_published_at=now,
            show_in_menus=False,
        ))  # fmt: skip
        children.append(EventPage(
            page_ptr_id=pk, start_date=day, start_time=dt.time(hour),
            end_time=dt.time(hour + 2), starts_at=slot.start, ends_at=slot.end,
            place_name=rng.choice(PLACES), status="cancelled" if n % 40 == 0 else "scheduled",
            descriptif="Ouvert à toutes et à tous.", body=[], lang="fr", recurrence="",
            recurrence_interval=1, latitude=None, longitude=None, visit_count=0, sequence=0,
            calendar_fingerprint="",
        ))  # fmt: skip
        occurrences.append(EventOccurrence(event_id=pk, starts_at=slot.start, ends_at=slot.end,
                                           crosses_midnight=False))  # fmt: skip
        if keywords and n % 5 == 0:
            links.append(EventPage.keywords.through(eventpage_id=pk,
                                                    keyword_id=rng.choice(keywords).pk))  # fmt: skip
    with transaction.atomic():
        Page.objects.bulk_create(pages, batch_size=2000)
        fields = [f for f in EventPage._meta.local_concrete_fields]
        for start in range(0, len(children), 2000):
            EventPage.objects._insert(children[start : start + 2000], fields=fields)
        EventOccurrence.objects.bulk_create(occurrences, batch_size=2000)
        EventPage.keywords.through.objects.bulk_create(links, batch_size=2000)
        for section in sections:
            Page.objects.filter(pk=section.pk).update(numchild=per_section[section.pk])
    busiest = today.replace(day=1) + dt.timedelta(days=40)
    return {"month": f"{busiest.year}/{busiest.month}", "section": sections[3].slug}


def _measure(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm-up: templates, prepared queries, site-wide fragments
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    return {
        "url": url,
        "queries": len(queries),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "max_ms": round(timings[-1], 1),
        "bytes": len(response.content),
    }


def worker() -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from redac.delivery import conf

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    where = _load(random.Random(21))
    load_seconds = time.perf_counter() - started
    settings.ALLOWED_HOSTS = ["*"]
    settings.REDAC_PAGE_CACHE = {**conf.config(), "ENABLED": False}  # uncached: every render
    conf.reset()
    client = Client()
    pages = [
        ("baseline: section listing", "/actualite/"),
        ("agenda listing (50 + past)", "/agenda/"),
        ("agenda month view", f"/agenda/{where['month']}/"),
        ("agenda section filter", f"/agenda/rubrique/{where['section']}/"),
    ]
    results = []
    for label, url in pages:
        results.append({"page": label, **_measure(client, url)})
    return {
        "events": EVENTS,
        "runs": RUNS,
        "load_seconds": round(load_seconds, 1),
        "pages": results,
        "load_average_1m_after": round(os.getloadavg()[0], 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker()))
        return
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "redac.settings_test",
           "REDAC_LOG_LEVEL": "ERROR", "REDAC_DATA_DIR": tempfile.mkdtemp(prefix="redac-bench-agenda-")}  # fmt: skip
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, __file__, "--worker"], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{result['events']} events on SQLite, uncached, {result['runs']} runs each "
          f"(load {result['load_seconds']} s)")  # fmt: skip
    print(f"{'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  target")
    for page in result["pages"]:
        ok = page["p50_ms"] < TARGET_MS and page["queries"] < TARGET_QUERIES
        mark = "-" if page["page"].startswith("baseline") else ("ok" if ok else "MISSED")
        print(f"{page['page']:<30} {page['p50_ms']:>8} {page['p95_ms']:>8} {page['max_ms']:>8} "
              f"{page['queries']:>8}  {mark}")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "agenda",
        "target": f"each agenda page < {TARGET_MS} ms (p50) and < {TARGET_QUERIES} queries, "
                  "uncached, SQLite, 20,000 events",
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "note": "2 cores shared with other engineers' test runs (contention)"},
        "results": result,
    }, indent=2, ensure_ascii=False) + "\n")  # fmt: skip
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
