"""Document types and their routing, read from a YAML file (configuration, not code).

The same file holds the departments and the Aktenplan (``akten.plan``): a type routes to
a position, the position says who keeps the Akte and for how long."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from akten.plan import Aktenplan, parse_plan
from eakte.errors import ConfigurationError
from eakte.ports import Prediction
from eakte.record import Classification

DEFAULT_TYPES = "default_types.yaml"
DEFAULT_REVIEW_THRESHOLD = 0.6  # a model without a threshold of its own (not calibrated)


class DocumentType(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    description: str = ""
    department: str
    aktenplan: str | None = None


class DocumentTypes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    types: list[DocumentType] = Field(min_length=2)
    departments: list[str] = Field(default_factory=list)  # empty: not checked
    aktenplan: list[Any] = Field(default_factory=list)  # checked by ``akten.plan``

    @property
    def plan(self) -> Aktenplan:
        return parse_plan(self.aktenplan, self.departments, DEFAULT_TYPES)

    def ids(self) -> list[str]:
        return [t.id for t in self.types]

    def get(self, type_id: str) -> DocumentType:
        for document_type in self.types:
            if document_type.id == type_id:
                return document_type
        known = ", ".join(self.ids())
        raise ConfigurationError(f"Unbekannter Dokumenttyp {type_id!r}; bekannt: {known}")


@functools.lru_cache(maxsize=8)
def load_types(path: Path | None = None) -> DocumentTypes:
    """The types in ``path``, or the shipped default set for municipal post (read once
    per process: a changed file takes effect at the next start)."""
    try:
        if path is None:
            text = resources.files("classify").joinpath(DEFAULT_TYPES).read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        types = DocumentTypes.model_validate(yaml.safe_load(text))
    except OSError as exc:
        raise ConfigurationError(f"Dokumenttypen nicht lesbar: {path}: {exc.strerror}") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise ConfigurationError(
            f"Dokumenttypen in {path or DEFAULT_TYPES} ungültig: {first}"
        ) from exc
    ids = types.ids()
    if len(set(ids)) != len(ids):
        raise ConfigurationError(f"Dokumenttypen in {path or DEFAULT_TYPES}: doppelte Kennung")
    check_routing(types, str(path or DEFAULT_TYPES))
    return types


def check_routing(types: DocumentTypes, source: str) -> None:
    """Every type routes to a known department and, once there is an Aktenplan, to one
    of its positions; the plan itself is checked too (German, every problem at once)."""
    plan = parse_plan(types.aktenplan, types.departments, source)
    problems = []
    for document_type in types.types:
        if types.departments and document_type.department not in types.departments:
            problems.append(
                f"Typ {document_type.id}: unbekannte Abteilung {document_type.department!r}"
            )
        number = document_type.aktenplan
        if plan.positions and number is not None and number not in plan.positions:
            problems.append(f"Typ {document_type.id}: Position {number} fehlt im Aktenplan")
    if problems:
        raise ConfigurationError(f"Dokumenttypen in {source} ungültig: " + "; ".join(problems))


class TypeRouter:
    """The ``DocumentRouter`` the pipeline is wired with: German labels, department and
    Aktenplan position from the configured types; below the threshold a person reviews:
    the configured one if set, else the model's own (fitted to the error target at
    training), else 0.6."""

    def __init__(self, types_file: Path | None, review_threshold: float | None) -> None:
        self.types_file = types_file
        self.review_threshold = review_threshold

    def route(self, prediction: Prediction) -> Classification:
        types = load_types(self.types_file)
        chosen = types.get(prediction.type)
        return Classification(
            type=chosen.id,
            label=chosen.label,
            confidence=round(prediction.confidence, 4),
            alternatives=[
                {"type": t, "label": types.get(t).label, "confidence": round(p, 4)}
                for t, p in prediction.alternatives
            ],
            model_version=prediction.model_version,
            department=chosen.department,
            aktenplan=chosen.aktenplan,
            needs_review=prediction.confidence < self.threshold(prediction),
        )

    def threshold(self, prediction: Prediction) -> float:
        return review_threshold(self.review_threshold, prediction.review_threshold)


def review_threshold(configured: float | None, model: float | None) -> float:
    """The configured threshold wins; else the model's own; else 0.6."""
    if configured is not None:
        return configured
    return model if model is not None else DEFAULT_REVIEW_THRESHOLD
