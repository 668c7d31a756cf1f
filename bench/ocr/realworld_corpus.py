"""The real-world page corpus: scanned German pages with human ground truth, committed in
``bench/ocr/realworld/`` (page image, its transcription as page text, and
``manifest.json`` with source, commit, path, licence, SHA-256, kind and columns).

Source: OCR-D-GT-VD-SBB (Staatsbibliothek zu Berlin, CC BY 4.0): pages of prints of the
17th and 18th century from the VD17/VD18, scanned by SBB, transcribed by a service
provider and corrected by SBB staff, as TIFF page images with PAGE-XML. Only German
pages whose image is at most ``MAX_IMAGE_BYTES`` are taken, the smallest page of each
work (up to three of a work in Antiqua, which is rarer there), so the repository stays
small and no work dominates.

The page text is the PAGE-XML's line texts, region by region in the file's
``ReadingOrder`` (regions it does not name follow in document order), lines in document
order, regions separated by a blank line: the text a person reads off the page.

    python bench/ocr/realworld_corpus.py build --snapshot GIT_DIR   # rebuild from a clone
    python bench/ocr/realworld_corpus.py verify                      # hashes of the files
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).with_name("realworld")
MANIFEST = CORPUS / "manifest.json"
REPOSITORY = "OCR-D/OCR-D-GT-VD-SBB"
LICENCE = "CC-BY-4.0"
ATTRIBUTION = (
    "OCR-D-GT-VD-SBB, Staatsbibliothek zu Berlin – Preußischer Kulturbesitz "
    "(OCR-D / Mensch.Maschine.Kultur), CC BY 4.0"
)
MAX_IMAGE_BYTES = 1_500_000
# stop words that tell the page's language (historical spellings included)
GERMAN = frozenset({"und", "der", "die", "das", "nicht", "ist", "zu", "den", "mit", "sich"})
GERMAN |= {"von", "auf", "ein", "eine", "dem", "auch", "so", "daß", "wie"}
LATIN = frozenset({"et", "est", "in", "ad", "quod", "non", "cum", "qui", "quae", "sed"})
LATIN |= {"ut", "enim", "ex", "autem"}
FRENCH = frozenset({"le", "la", "les", "de", "des", "et", "est", "que", "qui", "dans"})
FRENCH |= {"pour", "une", "du"}
MIN_GERMAN_SHARE = 0.6  # of the stop words found, German ones
MIN_LINES_PER_COLUMN = 3
PAGES_PER_WORK = {"fraktur": 1, "printed": 3}  # Antiqua is rarer in the VD: up to three


def held_out(name: str) -> bool:
    """The fixed held-out half: never looked at when changing code."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % 2 == 0


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _line_text(line: Any) -> str:
    for equiv in _children(line, "TextEquiv"):
        for unicode in _children(equiv, "Unicode"):
            return (unicode.text or "").strip()
    words = [_line_text(word) for word in _children(line, "Word")]
    return " ".join(w for w in words if w)


def _box(region: Any) -> tuple[int, int, int, int] | None:
    for coords in _children(region, "Coords"):
        points = [tuple(int(v) for v in p.split(",")) for p in coords.get("points", "").split()]
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            return min(xs), min(ys), max(xs), max(ys)
    return None


def page_text(xml: bytes) -> tuple[str, dict[str, Any]]:
    """The page text in reading order, and facts about the page (fonts, columns)."""
    root = etree.fromstring(xml)
    regions = {r.get("id"): r for r in root.iter() if _local(r) == "TextRegion" and r.get("id")}
    order: list[str] = []
    for group in root.iter():
        if _local(group) in ("OrderedGroup", "UnorderedGroup"):
            refs = [c for c in group if _local(c) in ("RegionRefIndexed", "RegionRef")]
            refs.sort(key=lambda c: int(c.get("index", "0")))
            order.extend(c.get("regionRef") for c in refs if c.get("regionRef") in regions)
    seen = set(order)
    order.extend(name for name in regions if name not in seen)
    blocks = []
    boxes = []
    for name in dict.fromkeys(order):
        lines = [_line_text(line) for line in _children(regions[name], "TextLine")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append("\n".join(lines))
            box = _box(regions[name])
            body = regions[name].get("type") in (None, "paragraph", "heading", "other")
            if box is not None and body and len(lines) >= MIN_LINES_PER_COLUMN:
                boxes.append(box)
    fonts = Counter(
        (e.get("fontFamily") or "").split(";")[0].split(",")[0].strip()
        for e in root.iter()
        if _local(e) == "TextStyle" and e.get("fontFamily")
    )
    return "\n\n".join(blocks) + "\n", {"fonts": dict(fonts), "columns": _columns(boxes)}


def _columns(boxes: list[tuple[int, int, int, int]]) -> int:
    """How many body text regions (not marginalia) of some lines stand side by side at
    the most."""
    best = 1 if boxes else 0
    for _, top, _, bottom in boxes:
        middle = (top + bottom) // 2
        beside = sorted((b[0], b[2]) for b in boxes if b[1] <= middle <= b[3])
        count, right = 0, -1
        for left, end in beside:
            if left >= right:
                count, right = count + 1, end
            else:
                right = max(right, end)
        best = max(best, count)
    return best


def _git(snapshot: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(snapshot), *args], capture_output=True, check=True
    ).stdout


def _language(text: str) -> tuple[str, float]:
    words = text.lower().split()
    de = sum(w in GERMAN for w in words)
    other = sum(w in LATIN or w in FRENCH for w in words)
    share = de / max(1, de + other)
    return ("deu" if share >= MIN_GERMAN_SHARE else "other"), share


def build(snapshot: Path) -> dict[str, Any]:
    commit = _git(snapshot, "rev-parse", "HEAD").decode().strip()
    listing = _git(snapshot, "ls-tree", "-r", "-l", "HEAD", "data").decode().splitlines()
    images: dict[str, list[tuple[int, str]]] = {}
    for row in listing:
        meta, path = row.split("\t", 1)
        size = meta.split()[3]
        if "/OCR-D-IMG/" in path and size.isdigit() and int(size) <= MAX_IMAGE_BYTES:
            images.setdefault(path.split("/")[1], []).append((int(size), path))
    CORPUS.mkdir(parents=True, exist_ok=True)
    pages = []
    for work, candidates in sorted(images.items()):
        taken = 0
        for size, path in sorted(candidates):
            xml_path = path.replace("/OCR-D-IMG/OCR-D-IMG_", "/OCR-D-GT-PAGE/OCR-D-GT-PAGE_")
            xml_path = xml_path.rsplit(".", 1)[0] + ".xml"
            try:
                xml = _git(snapshot, "show", f"HEAD:{xml_path}")
                data = _git(snapshot, "show", f"HEAD:{path}")
            except subprocess.CalledProcessError:
                continue
            if len(data) != size:  # a blob missing from the snapshot
                continue
            text, facts = page_text(xml)
            language, share = _language(text)
            if language != "deu" or len(text.split()) < 50:
                break  # the work's smallest page decides whether it is German
            fonts = facts["fonts"]
            script = max(fonts, key=fonts.get) if fonts else "unknown"
            kind = "fraktur" if script in ("Fraktur", "Schwabacher") else "printed"
            name = f"vdsbb_{work}_{Path(path).stem.rsplit('_', 1)[-1]}"
            (CORPUS / f"{name}.tif").write_bytes(data)
            (CORPUS / f"{name}.gt.txt").write_text(text, encoding="utf-8")
            pages.append(
                {
                    "name": name,
                    "image": f"{name}.tif",
                    "truth": f"{name}.gt.txt",
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "truth_sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "source": {
                        "repository": REPOSITORY,
                        "commit": commit,
                        "image_path": path,
                        "truth_path": xml_path,
                        "truth_sha256": hashlib.sha256(xml).hexdigest(),
                    },
                    "licence": LICENCE,
                    "kind": kind,
                    "script": script,
                    "language": "deu",
                    "german_stopword_share": round(share, 2),
                    "columns": facts["columns"],
                    "split": "held_out" if held_out(name) else "tuning",
                }
            )
            taken += 1
            if taken >= PAGES_PER_WORK[kind]:
                break
    manifest = {
        "description": (
            "Real scanned German pages with human ground truth (page text from PAGE-XML "
            "in reading order); see bench/ocr/realworld_corpus.py"
        ),
        "attribution": ATTRIBUTION,
        "split_rule": "held_out if int(sha256(name)[:8], 16) % 2 == 0, else tuning",
        "pages": pages,
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def load_manifest() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(MANIFEST.read_text())
    return result


def verify() -> list[str]:
    """Names of pages whose image or truth does not match the manifest."""
    bad = []
    for page in load_manifest()["pages"]:
        image = (CORPUS / page["image"]).read_bytes()
        truth = (CORPUS / page["truth"]).read_bytes()
        if (
            hashlib.sha256(image).hexdigest() != page["sha256"]
            or hashlib.sha256(truth).hexdigest() != page["truth_sha256"]
        ):
            bad.append(page["name"])
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build")
    build_command.add_argument("--snapshot", type=Path, required=True, help="git directory")
    commands.add_parser("verify")
    args = parser.parse_args(argv)
    if args.command == "build":
        manifest = build(args.snapshot)
        kinds = Counter(p["kind"] for p in manifest["pages"])
        print(f"{len(manifest['pages'])} pages: {dict(kinds)}")
        return 0
    bad = verify()
    print("all files match" if not bad else f"mismatch: {', '.join(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
