"""`eakte train`, `eakte evaluate`, `eakte classify`, `eakte correct`. Torch and the
model load only when one of these runs."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from eakte.context import Context
from eakte.wiring import open_context

if TYPE_CHECKING:
    from classify.encoder import TextEncoder
    from classify.head import LinearHead
    from classify.training import Embedder, LabeledText


def _embedder(ctx: Context, encoder: TextEncoder) -> Embedder:
    from classify.service import embedding_cache_file
    from classify.training import Embedder  # numpy and scikit-learn: only for these commands

    return Embedder(encoder, embedding_cache_file(ctx.settings, encoder.version))


def _labeled(ctx: Context, data: Path) -> list[LabeledText]:
    """The examples in ``data``, scans OCRed as ingest reads them; each file left out is
    named on stderr with its reason, and the rest is used."""
    from functools import partial

    from classify.document_text import read_document
    from classify.training import read_labeled

    examples, skipped = read_labeled(data, partial(read_document, ctx))
    for left_out in skipped:
        click.echo(f"Übersprungen: {left_out.path}: {left_out.reason}", err=True)
    return examples


def _head_encoder(ctx: Context, head: LinearHead) -> TextEncoder:
    from classify.service import TransformerClassifier, local_tuned

    classifier = ctx.classifier
    assert isinstance(classifier, TransformerClassifier)
    return classifier.encoder(head.layers, local_tuned(ctx.settings, ctx.store, head))


@click.command()
@click.option(
    "--data",
    type=click.Path(exists=True, path_type=Path),
    help="Ordner mit einem Unterordner je Typ, oder CSV-Datei mit den Spalten path,type.",
)
@click.option(
    "--default",
    "as_default",
    is_flag=True,
    help="Das Standardmodell auf den Beispielbriefen der Einrichtung neu trainieren.",
)
def train(data: Path | None, as_default: bool) -> None:
    """Klassifikationsmodell trainieren (mit allen bisherigen Korrekturen)."""
    from classify import service, training
    from classify.default_model import default_encoder, stored_corpus, train_default
    from classify.types import load_types

    started = time.perf_counter()
    with open_context() as ctx:
        settings = ctx.settings
        if as_default:
            head = train_default(settings)
        else:
            examples = _labeled(ctx, data) if data is not None else stored_corpus(settings).train
            per_type = Counter(e.type_id for e in examples)
            click.echo(
                "Beispiele je Typ: " + ", ".join(f"{t} {n}" for t, n in sorted(per_type.items())),
                err=True,
            )
            head = training.train_head(
                _embedder(ctx, default_encoder(settings)),
                examples,
                training.corrected_examples(ctx.store),
                load_types(settings.document_types_file),
                max_error=settings.review_max_error,
            )
            service.save_head(ctx.store, head, settings)
    click.echo(
        f"Modell {head.version} trainiert: {head.examples} Beispiele, davon "
        f"{head.corrections} Korrekturen, {len(head.types)} Typen, "
        f"{time.perf_counter() - started:.0f} s.",
        err=True,
    )


@click.command()
@click.option("--data", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--matrix",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("verwechslungsmatrix.png"),
    show_default=True,
    help="Die Verwechslungsmatrix als PNG hierhin schreiben.",
)
@click.option("--json", "as_json", is_flag=True)
def evaluate(data: Path | None, matrix: Path, as_json: bool) -> None:
    """Das aktuelle Modell messen (ohne --data: zurückgehaltene Vorlagen des Korpus)."""
    from classify import service
    from classify.default_model import stored_corpus
    from classify.evaluation import evaluate as measure
    from classify.evaluation import reliability_lines, write_confusion_png
    from classify.types import load_types, review_threshold

    with open_context() as ctx:
        head = service.load_head(ctx.settings, ctx.store)
        if data is not None:
            examples = _labeled(ctx, data)
        else:
            examples = stored_corpus(ctx.settings).evaluation
        embedder = _embedder(ctx, _head_encoder(ctx, head))
        texts = [e.text for e in examples]
        threshold = review_threshold(ctx.settings.review_threshold, head.review_threshold)
        truth = [e.type_id for e in examples]
        result = measure(head, embedder.vectors(texts), texts, truth, threshold)
        types = load_types(ctx.settings.document_types_file)
        write_confusion_png(result, matrix, {t.id: t.label for t in types.types})
    if as_json:
        click.echo(json.dumps({"model": head.version, **result.as_json()}, ensure_ascii=False))
        return
    click.echo(
        f"Modell {head.version}: Makro-F1 {result.macro_f1:.3f}, "
        f"Genauigkeit {result.accuracy:.3f} ({len(examples)} Briefe)"
    )
    for label, scores in result.per_type.items():
        click.echo(
            f"  {label:22} Präzision {scores['precision']:.2f}  Trefferquote "
            f"{scores['recall']:.2f}  ({scores['support']})"
        )
    for line in reliability_lines(result):
        click.echo(line)
    click.echo(f"Verwechslungsmatrix: {matrix}")


@click.command("classify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def classify_command(path: Path, as_json: bool) -> None:
    """Eine Datei klassifizieren, ohne sie aufzunehmen (Text, PDF, Scan, E-Mail)."""
    from classify.document_text import read_document

    with open_context() as ctx:
        assert ctx.classifier is not None
        result = ctx.router.route(ctx.classifier.predict(read_document(ctx, path)))
    if as_json:
        click.echo(result.model_dump_json())
        return
    review = " – bitte prüfen" if result.needs_review else ""
    click.echo(f"{result.label} ({result.confidence:.0%}){review} → {result.department}")
    for alternative in result.alternatives:
        click.echo(f"  sonst: {alternative['label']} ({alternative['confidence']:.0%})")


@click.command()
@click.argument("record_id")
@click.argument("type_id")
def correct(record_id: str, type_id: str) -> None:
    """Den Dokumenttyp eines Dokuments korrigieren; das nächste `eakte train` lernt daraus."""
    from classify.corrections import correct as apply
    from eakte.retrieval import get_manifest

    with open_context() as ctx:
        saved = apply(ctx, get_manifest(ctx, record_id), type_id)
    assert saved.classification is not None
    click.echo(f"{saved.id[:12]}: {saved.classification.label} (korrigiert)", err=True)
