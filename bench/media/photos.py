"""Photos benchmark: photo-vs-page sniffing, metadata and thumbnail speed, and
near-duplicate precision/recall, on real photographs from public repositories
(``bench/media/sources.md``) and generated copies of them.

    git clone https://github.com/scikit-image/scikit-image /tmp/skimage
    git clone https://github.com/python-pillow/Pillow /tmp/pillow
    PYTHONPATH=$PWD .venv/bin/python bench/media/photos.py --skimage /tmp/skimage \
        --pillow /tmp/pillow

Writes ``bench/results/media_photos.json``. Speeds are medians of ``--repeat`` runs over
all photos, each against a peer measured in the same run (exiftool for metadata,
Pillow for thumbnails).
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from itertools import combinations
from pathlib import Path

from PIL import Image, ImageEnhance

from ingest.image_hashes import image_hashes, near_duplicates
from ingest.photo_metadata import read_metadata
from ingest.photo_sniff import looks_like_photograph
from samples.render import render_scan

SKIMAGE_PHOTOS = [
    "astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png", "coins.png",
    "grass.png", "gravel.png", "horse.png", "hubble_deep_field.jpg", "ihc.png", "moon.png",
    "motorcycle_left.png", "retina.jpg", "rocket.jpg",
]  # fmt: skip
SKIMAGE_PAGES = ["page.png", "bw_text.png"]
PILLOW_PHOTOS = ["flower.jpg", "flower2.jpg", "exif-72dpi-int.jpg", "hopper.jpg"]
SKIMAGE_DIR = "src/_skimage2/data"
PILLOW_DIR = "Tests/images"
REALWORLD_PAGES = Path("bench/ocr/realworld")  # real historical pages with ground truth
RESULT = Path("bench/results/media_photos.json")


def git_file(repo: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, check=True
    ).stdout


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def copies(image: Image.Image) -> dict[str, Image.Image]:
    width, height = image.size
    low = Image.open(io.BytesIO(jpeg(image, quality=30)))
    return {
        "rescaled": image.resize((width // 2, height // 2)),
        "recompressed": low,
        "brighter": ImageEnhance.Brightness(image.convert("RGB")).enhance(1.3),
        "darker": ImageEnhance.Brightness(image.convert("RGB")).enhance(0.75),
        "cropped_10": image.crop((width // 10, height // 10, width, height)),
        "cropped_20_off_centre": image.crop((width // 5, 0, width, height * 17 // 20)),
    }


def timed(action, items) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for item in items:
        action(item)
    return len(items) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skimage", type=Path, required=True)
    parser.add_argument("--pillow", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    photos: list[Path] = []
    for repo, base, names in (
        (args.skimage, SKIMAGE_DIR, SKIMAGE_PHOTOS),
        (args.pillow, PILLOW_DIR, PILLOW_PHOTOS),
    ):
        for name in names:
            path = folder / name
            path.write_bytes(git_file(repo, f"{base}/{name}"))
            photos.append(path)
    pages = [git_file(args.skimage, f"{SKIMAGE_DIR}/{name}") for name in SKIMAGE_PAGES]
    pages += [p.read_bytes() for p in sorted(REALWORLD_PAGES.glob("*.tif"))[:12]]
    letter = "Sehr geehrte Damen und Herren,\nhiermit beantrage ich die Genehmigung.\n" * 4
    pages += [jpeg(render_scan(letter, angle=a, noise=n, seed=i)) for i, (a, n) in
              enumerate([(0.0, 0.0), (1.5, 0.3), (-2.0, 0.6)])]  # fmt: skip

    # 1. sniffing: photo or page
    photo_right = sum(looks_like_photograph(p.read_bytes()) for p in photos)
    page_right = sum(not looks_like_photograph(data) for data in pages)

    # 2. speed: metadata (exiv2 vs exiftool), thumbnails (libvips vs Pillow)
    def exiftool(path: Path) -> None:
        subprocess.run(["exiftool", "-j", "-EXIF:all", "-IPTC:all", "-XMP:all", str(path)],
                       capture_output=True, check=False)  # fmt: skip

    def vips_thumb(path: Path) -> None:
        import pyvips

        pyvips.Image.thumbnail(str(path), 512).jpegsave_buffer(Q=85)

    def pillow_thumb(path: Path) -> None:
        with Image.open(path) as image:
            image.draft("RGB", (512, 512))
            small = image.convert("RGB")
            small.thumbnail((512, 512))
            small.save(io.BytesIO(), format="JPEG", quality=85)

    speeds: dict[str, list[float]] = {"exiv2": [], "exiftool": [], "vips": [], "pillow": []}
    for _ in range(args.repeat):
        speeds["exiv2"].append(timed(read_metadata, photos))
        if shutil.which("exiftool"):
            speeds["exiftool"].append(timed(exiftool, photos))
        speeds["vips"].append(timed(vips_thumb, photos))
        speeds["pillow"].append(timed(pillow_thumb, photos))
    median = {k: round(statistics.median(v), 2) for k, v in speeds.items() if v}
    hash_speed = timed(lambda p: image_hashes(Image.open(p)), photos)

    # 3. near-duplicates: every copy against its original (positives), every pair of
    # different photos and their copies (negatives)
    items: list[tuple[str, str, dict[str, object]]] = []
    for path in photos:
        with Image.open(path) as image:
            image.load()
            items.append((path.name, "original", image_hashes(image)))
            for kind, copy in copies(image).items():
                items.append((path.name, kind, image_hashes(copy)))
    found: dict[str, list[bool]] = {}
    false_pairs = negatives = 0
    for (a, kind_a, ha), (b, kind_b, hb) in combinations(items, 2):
        same = near_duplicates(ha, hb)
        if a == b and "original" in (kind_a, kind_b):
            found.setdefault(kind_b if kind_a == "original" else kind_a, []).append(same)
        elif a != b:
            negatives += 1
            false_pairs += same
    true_pairs = sum(sum(v) for v in found.values())
    positives = sum(len(v) for v in found.values())
    result = {
        "photos": len(photos),
        "pages": len(pages),
        "sniff": {
            "photos_recognised": photo_right,
            "pages_kept_for_ocr": page_right,
            "photo_recall": round(photo_right / len(photos), 3),
            "page_recall": round(page_right / len(pages), 3),
        },
        "images_per_second": {
            "metadata_exiv2": median["exiv2"],
            "metadata_exiftool_peer": median.get("exiftool"),
            "metadata_ratio": round(median["exiv2"] / median["exiftool"], 1)
            if "exiftool" in median
            else None,
            "thumbnail_libvips": median["vips"],
            "thumbnail_pillow_peer": median["pillow"],
            "thumbnail_ratio": round(median["vips"] / median["pillow"], 2),
            "perceptual_hashes": round(hash_speed, 2),
        },
        "near_duplicates": {
            "recall_by_copy": {k: round(sum(v) / len(v), 3) for k, v in found.items()},
            "recall": round(true_pairs / positives, 3),
            "precision": round(true_pairs / (true_pairs + false_pairs), 3),
            "positive_pairs": positives,
            "unrelated_pairs": negatives,
            "false_pairs": false_pairs,
        },
        "repeat": args.repeat,
    }
    RESULT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
