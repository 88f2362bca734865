"""Benchmark of the SPIP markup engine (redac.typo) against markdown-it-py.

Run: ``.venv/bin/python bench/typo.py [--rounds N]``.  Converts a realistic 5 KB and a
50 KB French article written in SPIP markup, and the same content written in Markdown
with markdown-it-py, in interleaved rounds; then the adversarial inputs, each compared
with a normal SPIP input of the same size.  Prints a table and writes
``bench/results/typo.json`` (figures and machine information).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from markdown_it import MarkdownIt  # noqa: E402

from redac.typo import propre  # noqa: E402

WORDS = (
    "le la les un une des du de et à au aux pour par sur dans avec sans sous entre "
    "gouvernement ministre région commune habitants maire conseil budget projet réforme "
    "école hôpital entreprise agriculteurs sécheresse festival musée exposition élection "
    "négociations syndicats direction tribunal décision semaines rapport enquête année "
    "préfecture route départementale chômage trimestre collecte livres écoles rurales"
).split()


def _sentence(rng: random.Random) -> tuple[str, str]:
    """One sentence in SPIP markup and the same in Markdown."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    spip = list(words)
    md = list(words)
    kind = rng.random()
    i = rng.randrange(len(words))
    if kind < 0.15:
        spip[i], md[i] = "{{" + words[i] + "}}", "**" + words[i] + "**"
    elif kind < 0.3:
        spip[i], md[i] = "{" + words[i] + "}", "*" + words[i] + "*"
    elif kind < 0.4:
        url = f"https://example.org/{words[i]}"
        spip[i], md[i] = f"[{words[i]}->{url}]", f"[{words[i]}]({url})"
    elif kind < 0.45:
        spip[i], md[i] = f"[{words[i]}->article{rng.randint(1, 20)}]", f"[{words[i]}](/a/{i})"
    text_spip = " ".join(spip).capitalize()
    text_md = " ".join(md).capitalize()
    end = rng.choice([".", ".", ".", " !", " ?", " : la suite.", " ; puis la fin."])
    return text_spip + end.replace(" ", " "), text_md + end.replace(" ", " ")


def make_article(size: int, seed: int = 42) -> tuple[str, str]:
    """A French article of about ``size`` characters, in SPIP markup and in Markdown."""
    rng = random.Random(seed)
    spip: list[str] = []
    md: list[str] = []
    note = 0
    while sum(map(len, spip)) < size:
        r = rng.random()
        if r < 0.08:
            title = " ".join(rng.choice(WORDS) for _ in range(3)).capitalize()
            spip.append("{{{" + title + "}}}")
            md.append("## " + title)
        elif r < 0.16:
            items = [" ".join(rng.choice(WORDS) for _ in range(5)) for _ in range(4)]
            spip.append("\n".join("-* " + it for it in items))
            md.append("\n".join("- " + it for it in items))
        elif r < 0.2:
            rows = [[rng.choice(WORDS), str(rng.randint(100, 9999))] for _ in range(4)]
            spip.append(
                "| {{Libellé}} | {{Montant}} |\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
            )
            md.append(
                "| Libellé | Montant |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
            )
        elif r < 0.24:
            s, m = _sentence(rng)
            spip.append("<quote>" + s + "</quote>")
            md.append("> " + m)
        else:
            sentences = [_sentence(rng) for _ in range(rng.randint(2, 5))]
            s = " ".join(x[0] for x in sentences)
            m = " ".join(x[1] for x in sentences)
            if rng.random() < 0.2:
                note += 1
                s += f"[[Source : rapport n° {note}, l'année dernière.]]"
                m += f"[^{note}]\n\n[^{note}]: Source : rapport n° {note}, l'année dernière."
            spip.append(s)
            md.append(m)
    return "\n\n".join(spip)[:size], "\n\n".join(md)


def adversarial_inputs() -> dict[str, str]:
    return {
        "10k {": "{" * 10_000,
        "10k }": "}" * 10_000,
        "10k [": "[" * 10_000,
        "5k [[ 5k ]]": "[" * 5_000 + "->" + "]" * 5_000,
        "5,000 notes": " ".join(f"mot[[note {i}]]" for i in range(5_000)),
        "59-level list": "\n".join("-" + "*" * i + " item" for i in range(1, 60)),
        "unclosed <code> x500": "<code>" * 500,
        "200 <doc1>": "<doc1> " * 200,
        "100 KB link target": "[a->" + "b" * 100_000 + "]",
        "10k [?": "[?" * 5_000,
        "10k <": "<" * 10_000,
        "10k |": "|\n" * 5_000,
    }


class BenchResolver:
    """A small in-memory resolver: articles 1-20 exist, document 1 is an image."""

    def link(self, kind, id):
        if kind == "article" and 1 <= id <= 20:
            return (f"/articles/{id}/", f"Article numéro {id}")
        return None

    def document(self, id, *, align, kind):
        if id == 1:
            return (
                f'<figure class="spip_document_1 spip_documents_{align or "center"}">'
                '<img src="/media/carte.png" alt="" width="320" height="200">'
                "<figcaption>Carte des îles Kouriles</figcaption></figure>"
            )
        return None


RESOLVER = BenchResolver()


def convert(source: str) -> str:
    return propre(source, resolver=RESOLVER)


def _time(func, arg, rounds: int) -> float:
    """CPU time of this process (``process_time``): steady on a machine shared with other
    jobs, where wall-clock time mostly measures the wait for a free CPU."""
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        func(arg)
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    md = MarkdownIt("commonmark").enable("table")
    results: dict = {
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "python": sys.version.split()[0],
            "processor": platform.processor() or platform.machine(),
            "timer": "time.process_time (CPU time), best of interleaved rounds",
            "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        },
        "articles": [],
        "adversarial": [],
    }
    articles = {"5 KB": make_article(5_000), "50 KB": make_article(50_000)}
    timings: dict[str, dict[str, list[float]]] = {k: {"spip": [], "md": []} for k in articles}
    for spip_src, md_src in articles.values():  # warm-up
        convert(spip_src)
        md.render(md_src)
    engines = [("spip", convert, 0), ("md", md.render, 1)]
    for number in range(args.rounds):  # interleaved rounds
        # Each engine runs first in every other round: always running second, right after the
        # other engine's conversion, would measure it with caches the other one just filled.
        order = engines if number % 2 == 0 else engines[::-1]
        for name, sources in articles.items():
            for engine, func, index in order:
                timings[name][engine].append(_time(func, sources[index], 1))
    print(f"{'input':24} {'size':>8} {'redac.typo':>12} {'markdown-it':>12} {'ratio':>7}")
    for name, (spip_src, md_src) in articles.items():
        # best of the interleaved rounds: the least disturbed run of each engine
        t_spip = min(timings[name]["spip"])
        t_md = min(timings[name]["md"])
        ratio = t_md / t_spip
        results["articles"].append(
            {
                "name": name,
                "spip_chars": len(spip_src),
                "markdown_chars": len(md_src),
                "redac_typo_s": t_spip,
                "markdown_it_s": t_md,
                "redac_chars_per_s": len(spip_src) / t_spip,
                "markdown_chars_per_s": len(md_src) / t_md,
                "throughput_ratio": (len(spip_src) / t_spip) / (len(md_src) / t_md),
                "time_ratio_md_over_redac": ratio,
            }
        )
        print(
            f"{name:24} {len(spip_src):8} {t_spip * 1000:10.2f}ms {t_md * 1000:10.2f}ms "
            f"{results['articles'][-1]['throughput_ratio']:6.2f}x"
        )
    print(
        f"\n{'adversarial input':24} {'size':>8} {'time':>12} {'normal same size':>17} "
        f"{'ratio':>7} {'out chars':>10} {'normal out':>10} {'per out':>7}"
    )
    for name, source in adversarial_inputs().items():
        normal, _ = make_article(len(source), seed=7)
        convert(source)
        t_adv = []
        t_norm = []
        for _ in range(args.rounds):
            t_adv.append(_time(convert, source, 1))
            t_norm.append(_time(convert, normal, 1))
        adv, norm = min(t_adv), min(t_norm)
        results["adversarial"].append(
            {
                "name": name,
                "chars": len(source),
                "time_s": adv,
                "normal_time_s": norm,
                "ratio": adv / norm,
                # SPIP markup expands some inputs a lot (5,000 notes give 8x more HTML
                # than a normal text): time per output character shows the linearity
                "output_chars": len(convert(source)),
                "normal_output_chars": len(convert(normal)),
            }
        )
        row = results["adversarial"][-1]
        row["ratio_per_output_char"] = (adv / max(row["output_chars"], 1)) / (
            norm / max(row["normal_output_chars"], 1)
        )
        print(
            f"{name:24} {len(source):8} {adv * 1000:10.2f}ms {norm * 1000:15.2f}ms "
            f"{adv / norm:6.2f}x {row['output_chars']:>10} {row['normal_output_chars']:>10} "
            f"{row['ratio_per_output_char']:6.2f}x"
        )
    out = Path(__file__).resolve().parent / "results" / "typo.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    worst = max(r["ratio"] for r in results["adversarial"])
    worst_out = max(r["ratio_per_output_char"] for r in results["adversarial"])
    slowest = min(r["throughput_ratio"] for r in results["articles"])
    results["summary"] = {
        "min_throughput_ratio_vs_markdown_it": slowest,
        "max_adversarial_ratio_vs_normal": worst,
        "max_adversarial_ratio_per_output_char": worst_out,
    }
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nthroughput ratio (redac / markdown-it, >= 1.0 is faster): {slowest:.2f}")
    print(
        f"worst adversarial / normal input of the same size: {worst:.2f}x "
        f"(per output character: {worst_out:.2f}x)"
    )
    print(f"written {out}")


if __name__ == "__main__":
    main()
