"""Measure the two embedded index engines on the same German corpus, in one run.

    .venv/bin/python bench/index/run.py [--docs 3000] [--out bench/results/index.json]

The corpus is generated (seeded), letter-like administrative German. Query "concepts"
(Straße, Gebühr, Widerspruch …) are planted in known documents in varied forms
(Strasse, Straßen, Gebühren, Widersprüche, Mueller …), so recall and precision of the
labelled queries are exact; look-alikes (Straßenbahn, Strauß, Gebot) are planted too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.index.sqlite_index import SqliteFtsIndex  # noqa: E402
from eakte.ports import IndexDocument, SearchIndex  # noqa: E402
from search import german  # noqa: E402
from search.tantivy_index import TantivyIndex  # noqa: E402

ENGINES: dict[str, Callable[[Path], SearchIndex]] = {
    "tantivy": TantivyIndex,
    "sqlite_fts5": SqliteFtsIndex,
}
SEED = 20240501
BATCH = 500

CONCEPTS = {
    "strasse": ["Straße", "Straßen", "Strasse", "Strassen", "STRASSE"],
    "gebuehr": ["Gebühr", "Gebühren", "Gebuehren", "Gebühr"],
    "widerspruch": ["Widerspruch", "Widerspruchs", "Widersprüche", "Widersprüchen"],
    "mueller": ["Müller", "Mueller", "MÜLLER"],
    "bescheid": ["Bescheid", "Bescheide", "Bescheides", "Bescheiden"],
    "antrag": ["Antrag", "Anträge", "Antrags", "Anträgen"],
    "zustaendigkeit": ["Zuständigkeit", "Zuständigkeiten", "Zustaendigkeit"],
    "baugenehmigung": ["Baugenehmigung", "Baugenehmigungen"],
}
CONCEPT_SHARE = 0.06
# Look-alikes that must not match, planted as often as a concept. "Müll" is a true
# collision (Snowball stems Müll and Müller to "mull"); it shows in precision.
LOOKALIKES = ["Straßenbahn", "Strauß", "Sträucher", "Gebot", "Gebote", "Spruch", "Müll"]
SURNAMES_TEXT = """
Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer
Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange
Schmitt Werner Schmitz Krause Meier Lehmann Schulze Maier Köhler Herrmann König Walter Huber
Kaiser Fuchs Peters Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther
Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Ludwig Böhm Winter
Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Dietrich
"""
SURNAMES = SURNAMES_TEXT.split()
FILLER_TEXT = """
der die das den dem des ein eine einer einem und oder mit für über unter gemäß nach vom zum
zur bei auf aus von im am an als auch bis wird werden wurde wurden ist sind war hat haben
kann können muss müssen soll sollen bitte sehr geehrte geehrter Damen Herren Frau Herr
Verwaltung Behörde Behörden Bürger Bürgerin Bürgerinnen Einwohner Stadt Städte Gemeinde
Landkreis Amt Ämter Stadtrat Ratsbeschluss Sitzung Sitzungen Frist Fristen fristgerecht
Anhörung Anhörungen Grundstück Grundstücke Flurstück Flurstücke Bebauungsplan Außenbereich
Maßnahme Maßnahmen fällig Fälligkeit Überweisung Überweisungen Kassenzeichen Aktenzeichen
Zahlung Zahlungen Mahnung Mahnungen Säumniszuschlag Vollstreckung Rechtsbehelfsbelehrung
Einspruch Klage Verwaltungsgericht Auskunft Auskünfte Unterlagen Nachweis Nachweise Anlage
Anlagen Kopie Kopien Original Unterschrift Vollmacht Meldebescheinigung Personalausweis
Reisepass Wohnsitz Hauptwohnsitz Nebenwohnsitz Umzug Anmeldung Abmeldung Ummeldung
Gewerbe Gewerbeanmeldung Gaststätte Erlaubnis Erlaubnisse Prüfung geprüft prüfen Ergebnis
Entscheidung Entscheidungen entschieden Begründung begründet Förderung Zuschuss Zuschüsse
Kindergarten Kindertagesstätte Schule Schulen Schüler Elternbeitrag Elternbeiträge Haushalt
Haushaltsjahr Kosten Kostenerstattung Höhe Betrag Beträge Euro Konto Bankverbindung Datum
Monat Monate Jahr Jahre Woche Wochen heute morgen gestern Rückfrage Rückfragen telefonisch
schriftlich persönlich Sprechzeiten Öffnungszeiten Rathaus Bürgerbüro Zimmer Etage Gebäude
Bauaufsicht Bauantrag Bauvorhaben Abstandsfläche Abstandsflächen Nachbar Nachbarn Lärm
Ruhestörung Parkplatz Parkplätze Anwohner Anwohnerparkausweis Sondernutzung Veranstaltung
Veranstaltungen Genehmigung genehmigt abgelehnt Ablehnung zugestimmt Zustimmung Widerruf
Hinweis Hinweise beachten Mitwirkung Mitteilung mitgeteilt Schreiben Ihres Ihrem Ihre Ihnen
freundlichen Grüßen Auftrag Sachbearbeiter Sachbearbeiterin Abteilung Fachbereich Referat
Dezernat Leitung Bürgermeister Bürgermeisterin Oberbürgermeister Gesetz Satzung Verordnung
Paragraph Absatz Ziffer gültig ungültig Gültigkeit Verlängerung verlängert Änderung Änderungen
"""
FILLER = FILLER_TEXT.split()
NOUNS = [w for w in FILLER if w[0].isupper() and len(w) > 4]


def random_word(rng: random.Random) -> str:
    """Mostly common words, plus compounds, names and numbers, so that the vocabulary
    (tens of thousands of distinct words) is closer to real mail than a word list."""
    roll = rng.random()
    if roll < 0.78:
        return rng.choice(FILLER)
    if roll < 0.88:
        return rng.choice(NOUNS) + rng.choice(NOUNS).lower()
    if roll < 0.92:
        return rng.choice(SURNAMES)
    kind = rng.randrange(4)
    if kind == 0:
        return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2015, 2025)}"
    if kind == 1:
        return f"{rng.randint(1, 9999):,}".replace(",", ".") + f",{rng.randint(0, 99):02d}"
    if kind == 2:
        return f"AZ-{rng.randint(2015, 2025)}-{rng.randint(1, 99999):05d}"
    return str(rng.randint(1, 500))


def plant(rng: random.Random, words: list[str], forms: list[str]) -> None:
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randrange(len(words)), rng.choice(forms))


def make_corpus(n_docs: int) -> tuple[list[IndexDocument], dict[str, set[str]]]:
    """Letters of 200–600 words; returns documents and, per concept, the ids it is in."""
    rng = random.Random(SEED)
    planted: dict[str, set[str]] = {concept: set() for concept in CONCEPTS}
    docs = []
    for i in range(n_docs):
        record_id = f"{rng.getrandbits(256):064x}"
        words = [random_word(rng) for _ in range(rng.randint(200, 600))]
        for concept, forms in CONCEPTS.items():
            if rng.random() < CONCEPT_SHARE:
                plant(rng, words, forms)
                planted[concept].add(record_id)
        if rng.random() < CONCEPT_SHARE * 2:
            plant(rng, words, LOOKALIKES)
        sentences = [" ".join(words[j : j + 12]) + "." for j in range(0, len(words), 12)]
        text = f"Az. {i:05d}/{2020 + i % 5}\n" + " ".join(sentences)
        docs.append(
            IndexDocument(
                id=record_id,
                text=text,
                title=f"scan_{i:05d}.pdf",
                media_type="application/pdf",
                doc_type=rng.choice(["bescheid", "antrag", "rechnung", "brief"]),
            )
        )
    return docs, planted


def check_filler_is_clean() -> None:
    """Precision is exact only if no background word shares a term with a concept
    (look-alikes may: that is what precision measures)."""
    concept_terms = {t for forms in CONCEPTS.values() for t in german.analyze(" ".join(forms))}
    compounds = [a + b.lower() for a in NOUNS for b in NOUNS]
    clashes = {w for w in FILLER + SURNAMES + compounds if set(german.analyze(w)) & concept_terms}
    assert not clashes, f"filler words collide with concepts: {clashes}"


def labelled_queries(planted: dict[str, set[str]]) -> list[tuple[str, set[str]]]:
    both = planted["widerspruch"] & planted["bescheid"]
    return [
        ("Straße", planted["strasse"]),
        ("Strasse", planted["strasse"]),
        ("straßen", planted["strasse"]),
        ("Gebühr", planted["gebuehr"]),
        ("Gebühren", planted["gebuehr"]),
        ("gebuehr", planted["gebuehr"]),
        ("Widerspruch", planted["widerspruch"]),
        ("Widersprüche", planted["widerspruch"]),
        ("Müller", planted["mueller"]),
        ("Mueller", planted["mueller"]),
        ("Bescheides", planted["bescheid"]),
        ("Anträge", planted["antrag"]),
        ("Zuständigkeit", planted["zustaendigkeit"]),
        ("Baugenehmigungen", planted["baugenehmigung"]),
        ("Widerspruch Bescheid", both),
        ('"Widerspruch" AND (Bescheid*', both),
        ("Straße Gebühr", planted["strasse"] & planted["gebuehr"]),
    ]


def latency_queries(rng: random.Random, count: int) -> list[str]:
    forms = [form for forms in CONCEPTS.values() for form in forms]
    queries = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            queries.append(rng.choice(forms))
        elif kind == 1:
            queries.append(rng.choice(FILLER))
        else:
            queries.append(f"{rng.choice(forms)} {rng.choice(FILLER)}")
    return queries


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def ms_stats(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000}


def index_all(engine: Callable[[Path], SearchIndex], path: Path, docs: list[IndexDocument]) -> None:
    index = engine(path)
    for start in range(0, len(docs), BATCH):
        index.upsert(docs[start : start + BATCH])
    index.close()


def bench_engine(
    name: str, work: Path, docs: list[IndexDocument], planted: dict[str, set[str]], n_queries: int
) -> dict[str, object]:
    engine = ENGINES[name]
    runs = []
    for run in range(3):
        path = work / f"{name}-{run}"
        german.clear_term_cache()  # each run pays for analysing new words, as a reindex would
        runs.append(timed(partial(index_all, engine, path, docs)))
    path = work / f"{name}-0"
    size = dir_size(path)

    index = engine(path)
    assert index.count() == len(docs), "indexed count differs from corpus"
    queries = latency_queries(random.Random(SEED + 1), n_queries)
    german.clear_term_cache()  # same start for both engines: the last indexing run filled it
    for query in queries[:20]:  # warm-up
        index.search(query)
    latencies = [timed(partial(index.search, query)) for query in queries]
    # The same queries without snippets: what the engine itself costs (and how it scales).
    with mock.patch.object(german, "make_snippet", return_value=""):
        engine_only = [timed(partial(index.search, query)) for query in queries]

    correctness = []
    for query, expected in labelled_queries(planted):
        result = index.search(query, limit=len(docs))
        found = {hit.id for hit in result.hits}
        correctness.append(
            {
                "query": query,
                "expected": len(expected),
                "total": result.total,
                "recall": len(found & expected) / len(expected) if expected else 1.0,
                "precision": len(found & expected) / len(found) if found else 1.0,
            }
        )

    extra = [
        IndexDocument(id=f"single-{i}", text=d.text, title=d.title, media_type=d.media_type)
        for i, d in enumerate(docs[:50])
    ]
    single = [timed(partial(index.upsert, [d])) for d in extra]
    index.close()

    def open_and_search() -> None:
        reopened = engine(path)
        reopened.search("Widerspruch Bescheid")
        reopened.close()

    reopen = [timed(open_and_search) for _ in range(20)]
    for run in range(3):
        shutil.rmtree(work / f"{name}-{run}")
    return {
        "index_docs_per_s": len(docs) / statistics.median(runs),
        "index_seconds_runs": runs,
        "query": {"count": len(latencies), **ms_stats(latencies)},
        "query_without_snippets": ms_stats(engine_only),
        "single_upsert": ms_stats(single),
        "open_and_search": ms_stats(reopen),
        "disk_bytes": size,
        "mean_recall": statistics.fmean(float(str(c["recall"])) for c in correctness),
        "mean_precision": statistics.fmean(float(str(c["precision"])) for c in correctness),
        "labelled": correctness,
    }


def print_table(results: dict[str, dict[str, Any]], text_bytes: int) -> None:
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [  # label, format
        ("indexing docs/s (median of 3)", lambda r: f"{r['index_docs_per_s']:.0f}"),
        ("query median ms", lambda r: f"{r['query']['median_ms']:.2f}"),
        ("query p95 ms", lambda r: f"{r['query']['p95_ms']:.2f}"),
        (
            "  without snippets, median ms",
            lambda r: f"{r['query_without_snippets']['median_ms']:.2f}",
        ),
        ("  without snippets, p95 ms", lambda r: f"{r['query_without_snippets']['p95_ms']:.2f}"),
        ("single upsert median ms", lambda r: f"{r['single_upsert']['median_ms']:.1f}"),
        ("single upsert p95 ms", lambda r: f"{r['single_upsert']['p95_ms']:.1f}"),
        ("open+search median ms", lambda r: f"{r['open_and_search']['median_ms']:.1f}"),
        ("disk MB", lambda r: f"{r['disk_bytes'] / 1e6:.1f}"),
        ("mean recall (labelled)", lambda r: f"{r['mean_recall']:.3f}"),
        ("mean precision (labelled)", lambda r: f"{r['mean_precision']:.3f}"),
    ]
    names = list(results)
    print(f"{'':32}" + "".join(f"{n:>14}" for n in names))
    for label, fmt in rows:
        print(f"{label:32}" + "".join(f"{fmt(results[n]):>14}" for n in names))
    print(f"(corpus text {text_bytes / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "index.json")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp directory")
    args = parser.parse_args()

    check_filler_is_clean()
    docs, planted = make_corpus(args.docs)
    text_bytes = sum(len(d.text.encode()) for d in docs)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(dir=args.workdir) as work:
        for name in ENGINES:
            results[name] = bench_engine(name, Path(work), docs, planted, args.queries)

    report = {
        "corpus": {
            "docs": len(docs),
            "seed": SEED,
            "text_bytes": text_bytes,
            "words": sum(len(d.text.split()) for d in docs),
            "distinct_words": len({w for d in docs for w in d.text.split()}),
            "batch_size": BATCH,
        },
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "tantivy": version("tantivy"),
            "pystemmer": version("pystemmer"),
            "sqlite": sqlite3.sqlite_version,
        },
        "engines": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(results, text_bytes)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
