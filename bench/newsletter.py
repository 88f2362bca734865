"""A letter to 50,000 confirmed subscribers through a local aiosmtpd server, on SQLite.

    python bench/newsletter.py                                # writes bench/results/newsletter.json
    REDAC_BENCH_SUBSCRIBERS=5000 python bench/newsletter.py   # a smaller list

The SMTP server runs in this process and only counts what it accepts (by Message-ID); the sender
runs in a child process exactly as the background job does (``send_batch`` over one SMTP
connection per batch, ``REDAC_NEWSLETTER_RATE=0``: as fast as the server takes them). Reported:
messages handed to SMTP per second, the sender's peak memory growth during the send, and whether
every subscriber received the letter exactly once. Targets (issue 22): >= 200 messages/s,
<= 50 MiB added to the sender. The kill -9 and restart case is a test
(redac/newsletter/tests/test_kill_and_resume.py), not measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "newsletter.json"
SUBSCRIBERS = int(os.environ.get("REDAC_BENCH_SUBSCRIBERS", "50000"))
TARGET_RATE, TARGET_MIB = 200, 50
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.M | re.I)


class CountingHandler:
    """Accepts every mail and keeps only its Message-ID (50,000 bodies would not fit)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        found = _MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.ids[found.group(1) if found else b"?"] += 1
        return "250 OK"


def _rss_mib() -> float:
    """The current resident memory (Linux), sampled after each batch: the process's peak
    (``ru_maxrss``) would be set by the set-up, not by the send."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker(port: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.mail import get_connection
    from django.core.management import call_command
    from django.utils import timezone

    from redac.demo.build import build_demo
    from redac.news.models import ArticlePage
    from redac.newsletter import sending
    from redac.newsletter.models import (
        Delivery,
        Letter,
        LetterItem,
        NewsletterList,
        Subscriber,
        Subscription,
    )

    call_command("migrate", verbosity=0)
    build_demo()
    settings.REDAC_NEWSLETTER_RATE = 0
    weekly = NewsletterList.objects.create(name="Lettre hebdomadaire", slug="hebdo")
    started = time.perf_counter()
    now = timezone.now()
    for start in range(0, SUBSCRIBERS, 5000):
        people = Subscriber.objects.bulk_create(
            Subscriber(email=f"lecteur{n}@example.net", status="confirmed", confirmed_at=now,
                       consent_version="bench", unsubscribe_token=f"jeton-{n:08d}-{'x' * 24}")
            for n in range(start, min(start + 5000, SUBSCRIBERS))
        )  # fmt: skip
        Subscription.objects.bulk_create(
            Subscription(subscriber=p, list=weekly, status="confirmed", confirmed_at=now,
                         consent_version="bench")
            for p in people
        )  # fmt: skip
    letter = Letter.objects.create(list=weekly, subject="La lettre de la semaine",
                                   editorial="Bonjour,\n\nVoici nos derniers articles.")  # fmt: skip
    for position, page in enumerate(ArticlePage.objects.live()[:2]):
        LetterItem.objects.create(letter=letter, page=page, position=position)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    sending.start_sending(letter)
    table_seconds = time.perf_counter() - started
    import gc

    gc.collect()
    rss_before = rss_peak = _rss_mib()
    started = time.perf_counter()
    sent = 0
    while True:
        connection = get_connection("django.core.mail.backends.smtp.EmailBackend",
                                    host="127.0.0.1", port=port, timeout=30)  # fmt: skip
        batch = sending.send_batch(letter, connection=connection, limit=500)
        if not batch:
            break
        sent += batch
        rss_peak = max(rss_peak, _rss_mib())
    send_seconds = time.perf_counter() - started
    return {
        "subscribers": SUBSCRIBERS,
        "load_seconds": round(load_seconds, 1),
        "send_table_seconds": round(table_seconds, 2),
        "sent": sent,
        "send_seconds": round(send_seconds, 1),
        "messages_per_second": round(sent / send_seconds, 1) if send_seconds else 0,
        "peak_rss_growth_mib": round(rss_peak - rss_before, 1),
        "states": dict(Counter(Delivery.objects.values_list("state", flat=True))),
        "load_average_1m_after": round(os.getloadavg()[0], 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    from aiosmtpd.controller import Controller

    sys.path.insert(0, str(ROOT))
    from tests.support.processes import free_port

    port = free_port()
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "redac.settings_test",
               "REDAC_LOG_LEVEL": "ERROR",
               "REDAC_DATA_DIR": tempfile.mkdtemp(prefix="redac-bench-newsletter-")}  # fmt: skip
        env.pop("DATABASE_URL", None)
        out = subprocess.run([sys.executable, __file__, "--worker", str(port)], env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True)  # fmt: skip
    finally:
        controller.stop()
    result = json.loads(out.stdout.strip().splitlines()[-1])
    received = handler.ids
    result["received_distinct"] = len(received)
    result["received_twice_or_more"] = sum(1 for count in received.values() if count > 1)
    exactly_once = (result["received_distinct"] == result["subscribers"]
                    and not result["received_twice_or_more"])  # fmt: skip
    rate_ok = result["messages_per_second"] >= TARGET_RATE
    memory_ok = result["peak_rss_growth_mib"] <= TARGET_MIB
    print(f"{result['subscribers']} subscribers on SQLite, local aiosmtpd "
          f"(set-up {result['load_seconds']} s, send table {result['send_table_seconds']} s)")  # fmt: skip
    print(f"{'measure':<34} {'value':>10}  target")
    print(f"{'messages handed to SMTP per second':<34} {result['messages_per_second']:>10}  "
          f">= {TARGET_RATE} {'ok' if rate_ok else 'MISSED'}")  # fmt: skip
    print(f"{'sender peak memory growth (MiB)':<34} {result['peak_rss_growth_mib']:>10}  "
          f"<= {TARGET_MIB} {'ok' if memory_ok else 'MISSED'}")  # fmt: skip
    print(f"{'each subscriber exactly once':<34} {str(exactly_once):>10}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "newsletter",
        "target": f">= {TARGET_RATE} messages/s handed to SMTP, <= {TARGET_MIB} MiB added to the "
                  "sender, every subscriber exactly once",
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "note": "2 cores shared with other engineers' test runs (contention)"},
        "results": {**result, "exactly_once": exactly_once},
    }, indent=2, ensure_ascii=False) + "\n")  # fmt: skip
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
