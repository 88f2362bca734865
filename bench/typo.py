"""Benchmark of the SPIP markup engine (redac.typo) against markdown-it-py.

Run: ``.venv/bin/python bench/typo.py [--rounds N] [--generated N] [--size BYTES]``.
Converts a realistic 5 KB and a 50 KB French article written in SPIP markup, and the same
content written in Markdown with markdown-it-py, in interleaved rounds; then the adversarial
inputs, each compared with a normal SPIP input of the same size; then ``--generated`` (200)
adversarial texts of ``--size`` (100 KB) made by the grammar of SPIP's openers and closers
of ``tests/support/markup_shapes.py`` (motifs repeated, alternated, or closed once at the end),
each compared with a normal text of the same size, per input character and per output
character (notes, tables and documents legitimately expand).  Prints a table, the worst
generated case and its ratio, and writes ``bench/results/typo.json`` (figures and machine
information).
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

from markdown_it import MarkdownIt

from redac.typo import budget, propre
from tests.support.markup_shapes import shapes

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
        # the shapes of issue 15 (outside attack): each read the text once per opener
        "unclosed <doc1| x16k": "<doc1|" * 16_000,
        "unclosed <xyz1|a x12k": "<xyz1|a " * 12_000,
        "100k |": "|" * 100_000,
        "<multi> x14k": "<multi>" * 14_000,
        "[texte-> x12k www.": "www. [texte->" * 7_500,
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
    parser.add_argument("--generated", type=int, default=200)
    parser.add_argument("--size", type=int, default=100_000)
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
    generated = _generated(args.generated, args.size, max(2, args.rounds // 5))
    results["generated"] = generated
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
        "generated_inputs": generated["count"],
        "generated_size": generated["size"],
        "generated_worst_ratio": generated["worst"]["ratio"],
        "generated_worst": generated["worst"]["name"],
        "generated_over_budget": generated["over_budget"],
    }
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nthroughput ratio (redac / markdown-it, >= 1.0 is faster): {slowest:.2f}")
    print(
        f"worst adversarial / normal input of the same size: {worst:.2f}x "
        f"(per output character: {worst_out:.2f}x)"
    )
    w = generated["worst"]
    print(
        f"generated: {generated['count']} inputs of {generated['size']} characters; worst "
        f"{w['ratio']:.2f}x a normal text of the same size (per input character "
        f"{w['ratio_per_input_char']:.2f}x, per output character "
        f"{w['ratio_per_output_char']:.2f}x): {w['name']}; over budget: "
        f"{generated['over_budget']}"
    )
    print(f"written {out}")


def _generated(count: int, size: int, rounds: int) -> dict:
    """The generated adversarial texts: each one's CPU time against a normal text of the same
    size timed right beside it (best of a few runs of each, interleaved: the machine is shared
    and its load drifts over the minutes of the run), per input character and per output
    character (where the markup expands, as notes and tables do, the time per output
    character is the one that shows linearity); its ratio is the smaller of the two. Also
    its work units (redac.typo.budget)."""
    normal, _ = make_article(size, seed=7)
    convert(normal)
    out_normal = len(convert(normal))
    units_normal = budget.measure(convert, normal)
    rows = []
    over = 0
    normal_times = []
    print(f"\n{count} generated inputs of {size} characters")
    for index, (source, name) in enumerate(shapes(count, size)):
        output = convert(source)
        t_in, t_norm = [], []
        for _ in range(rounds):  # interleaved
            t_in.append(_time(convert, source, 1))
            t_norm.append(_time(convert, normal, 1))
        t, t_normal = min(t_in), min(t_norm)
        normal_times.append(t_normal)
        units = budget.measure(convert, source)
        if units > budget.limit_for(len(source)):
            over += 1
        per_in = t / t_normal
        per_out = (t / max(len(output), 1)) / (t_normal / out_normal)
        rows.append({
            "index": index, "name": name[:160], "chars": len(source), "time_s": t,
            "normal_time_s": t_normal, "output_chars": len(output),
            "ratio_per_input_char": per_in, "ratio_per_output_char": per_out,
            "ratio": min(per_in, per_out), "units": units, "units_per_char": units / len(source),
        })  # fmt: skip
    rows.sort(key=lambda r: r["ratio"], reverse=True)
    print(
        f"{'ratio':>6} {'per in':>7} {'per out':>7} {'time':>9} {'normal':>9} {'units/char':>10}  input"
    )
    for r in rows[:10]:
        print(
            f"{r['ratio']:5.2f}x {r['ratio_per_input_char']:6.2f}x {r['ratio_per_output_char']:6.2f}x "
            f"{r['time_s'] * 1000:7.1f}ms {r['normal_time_s'] * 1000:7.1f}ms "
            f"{r['units_per_char']:10.1f}  {r['name'][:60]}"
        )
    t_normal = statistics.median(normal_times)
    return {
        "count": count,
        "size": size,
        "normal_time_s": t_normal,
        "normal_output_chars": out_normal,
        "normal_units": units_normal,
        "over_budget": over,
        "worst": rows[0],
        "max_units_per_char": max(r["units_per_char"] for r in rows),
        "top": rows[:20],
    }


if __name__ == "__main__":
    main()
