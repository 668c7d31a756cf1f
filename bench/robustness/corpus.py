"""The real-world robustness corpora, built from registry artifacts that ship public
test suites, cached by version under ``~/.cache/eakte/corpora`` (nothing is committed
but the manifest).

    python -m bench.robustness.corpus            # fetch, unpack, write manifest.json

Files (PDF and images): the test files of pikepdf's and pypdf's sdists (qpdf-, pdf.js-
and pdfium-derived damaged and odd PDFs among them) and of Pillow's sdist (libtiff's
BigTIFF, Lab, CMYK, 16-bit and JPEG-in-TIFF images, APNG, odd JPEGs, GIF, BMP suite,
WebP). Mails: CPython's e-mail test messages (Debian ``libpython3.11-testsuite``) and
the 208 messages of the ``mail-parser`` crate (Stalwart; regressions and malformed).

For each file the manifest records its artifact, version, path, SHA-256, licence, and
what the reference readers say: poppler (``pdfinfo``, ``pdftotext``) for PDFs, Pillow
for images, ``email`` (policy.default) for mails: its defects and how many attachments
the standard library finds (``stdlib_attachments``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import warnings
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from PIL import Image

CACHE = Path(os.environ.get("EAKTE_CACHE_DIR") or Path.home() / ".cache" / "eakte") / "corpora"
MANIFEST = Path(__file__).with_name("manifest.json")
FILE_SUFFIXES = (".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp")


@dataclass(frozen=True)
class Artifact:
    name: str
    version: str
    kind: str  # pypi | deb | crate
    licence: str
    corpus: str  # files | mail
    under: str  # only members below this path inside the artifact
    suffixes: tuple[str, ...]

    @property
    def folder(self) -> Path:
        return CACHE / f"{self.name}-{self.version}"


ARTIFACTS = (
    Artifact("pikepdf", "10.17.0", "pypi", "MPL-2.0", "files", "tests/resources", FILE_SUFFIXES),
    Artifact("pypdf", "7.1.0", "pypi", "BSD-3-Clause", "files", "resources", FILE_SUFFIXES),
    Artifact("pillow", "13.0.0", "pypi", "MIT-CMU", "files", "Tests/images", FILE_SUFFIXES),
    Artifact(
        "libpython3.11-testsuite",
        "3.11.2-6+deb12u9",
        "deb",
        "PSF-2.0",
        "mail",
        "usr/lib/python3.11/test/test_email/data",
        (".txt", ".eml"),
    ),
    Artifact(
        "mail-parser", "1.0.1", "crate", "Apache-2.0 OR MIT", "mail", "resources/eml", (".eml",)
    ),
)


def fetch(artifact: Artifact) -> Path:
    """The artifact's selected files, unpacked once into the cache."""
    done = artifact.folder / ".complete"
    if done.exists():
        return artifact.folder
    with tempfile.TemporaryDirectory(prefix="eakte-corpus-") as scratch:
        package = _download(artifact, Path(scratch))
        shutil.rmtree(artifact.folder, ignore_errors=True)
        artifact.folder.mkdir(parents=True)
        _unpack(artifact, package, Path(scratch))
    done.touch()
    return artifact.folder


def _download(artifact: Artifact, scratch: Path) -> Path:
    if artifact.kind == "pypi":
        spec = f"{artifact.name}=={artifact.version}"
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
        subprocess.run([*pip, spec, "-d", str(scratch)], check=True)
        return next(scratch.glob("*.tar.gz"))
    if artifact.kind == "deb":
        spec = f"{artifact.name}={artifact.version}"
        subprocess.run(["apt-get", "download", "-q", spec], cwd=scratch, check=True)
        return next(scratch.glob("*.deb"))
    probe = scratch / "probe"  # cargo's own download of the crate, into its cache
    (probe / "src").mkdir(parents=True)
    (probe / "src" / "main.rs").write_text("fn main() {}\n")
    (probe / "Cargo.toml").write_text(
        '[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n'
        f'[dependencies]\n{artifact.name} = "={artifact.version}"\n'
    )
    subprocess.run(["cargo", "fetch", "-q"], cwd=probe, check=True)
    home = Path(os.environ.get("CARGO_HOME") or Path.home() / ".cargo")
    return next(home.glob(f"registry/cache/*/{artifact.name}-{artifact.version}.crate"))


def _unpack(artifact: Artifact, package: Path, scratch: Path) -> None:
    if artifact.kind == "deb":
        tree = scratch / "deb"
        subprocess.run(["dpkg-deb", "-x", str(package), str(tree)], check=True)
        root = tree / artifact.under
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix.lower() in artifact.suffixes:
                _copy(path.read_bytes(), artifact.folder / path.relative_to(root))
        return
    with tarfile.open(package) as archive:
        for member in archive.getmembers():
            inner = member.name.split("/", 1)[1] if "/" in member.name else ""
            if not (member.isfile() and inner.startswith(artifact.under + "/")):
                continue
            if Path(inner).suffix.lower() in artifact.suffixes:
                data = archive.extractfile(member)
                if data is not None:
                    _copy(data.read(), artifact.folder / inner[len(artifact.under) + 1 :])


def _copy(data: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


# what the reference readers say --------------------------------------------------------


def poppler_says(path: Path) -> dict[str, Any]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, timeout=60, check=False)
    pages = next(
        (
            int(line.split()[1])
            for line in info.stdout.decode("latin-1").splitlines()
            if line.startswith("Pages:")
        ),
        0,
    )
    text = subprocess.run(
        ["pdftotext", "-q", str(path), "-"], capture_output=True, timeout=120, check=False
    )
    reads = info.returncode == 0 and pages > 0
    return {"reads": reads, "pages": pages, "pdftotext_ok": text.returncode == 0}


def pillow_says(path: Path) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with Image.open(path) as image:
                image.load()
                return {
                    "reads": True,
                    "format": image.format,
                    "mode": image.mode,
                    "size": list(image.size),
                    "frames": int(getattr(image, "n_frames", 1)),
                }
        except Exception as exc:  # Pillow's many exception types: reference says no
            return {"reads": False, "error": f"{type(exc).__name__}: {exc}"[:200]}


def email_says(path: Path) -> dict[str, Any]:
    try:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    except Exception as exc:  # the stdlib's parser is not hardened
        return {"parses": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    defects = sorted({type(d).__name__ for part in message.walk() for d in part.defects})
    return {
        "parses": bool(message.keys()),
        "defects": defects,
        "stdlib_attachments": stdlib_attachments(message),
    }


def stdlib_attachments(message: Message) -> int:
    return len(stdlib_attachment_parts(message))


def stdlib_attachment_parts(message: Message) -> list[Message]:
    """Attachments as the standard library sees them: ``iter_attachments`` of the
    message, a multipart among them replaced by its own."""
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return []
    try:
        parts = list(message.iter_attachments())
    except Exception:
        return []
    found: list[Message] = []
    for part in parts:
        if part.get_content_maintype() == "multipart":
            found.extend(stdlib_attachment_parts(part))
        else:
            found.append(part)
    return found


def describe(artifact: Artifact, path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    entry: dict[str, Any] = {
        "artifact": artifact.name,
        "version": artifact.version,
        "path": path.relative_to(artifact.folder).as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "licence": artifact.licence,
        "corpus": artifact.corpus,
    }
    if artifact.corpus == "mail":
        entry["email"] = email_says(path)
    elif data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        entry["poppler"] = poppler_says(path)
    else:
        entry["pillow"] = pillow_says(path)
    return entry


def build() -> list[dict[str, Any]]:
    entries = []
    for artifact in ARTIFACTS:
        folder = fetch(artifact)
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".complete"):
            entries.append(describe(artifact, path))
    return entries


def main() -> None:
    entries = build()
    MANIFEST.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n")
    files = [e for e in entries if e["corpus"] == "files"]
    readable = sum(1 for e in files if (e.get("poppler") or e.get("pillow") or {}).get("reads"))
    mails = [e for e in entries if e["corpus"] == "mail"]
    parsed = sum(1 for e in mails if e["email"]["parses"])
    print(
        f"{len(files)} files ({readable} read by poppler or Pillow), {len(mails)} mails "
        f"({parsed} parsed by email) -> {MANIFEST}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
