"""The real-world signature corpus: signed files from EU DSS's own test resources, each
with its source, licence, signer country and what DSS 6.4 says about it.

Why these files: DSS collects the signatures that broke it, from ETSI plugtests, national
CAs and vendors (Adobe, Microsec, Disig, InfoCert, ...), plus damaged and hostile cases.
They are public (LGPL-2.1) and published twice: in the repository at tag 6.4 and as the
``tests`` jars of ``dss-pades``/``dss-cades`` on Maven Central.

    python bench/signatures/realworld_corpus.py fetch      # into ~/.cache/eakte/corpora/...
    python bench/signatures/realworld_corpus.py manifest --snapshot GIT_DIR   # rebuild

``fetch`` takes each file from the first source that has it with the recorded SHA-256:
the DSS cache (``~/.cache/eakte/dss-6.4/corpus``), a snapshot of the repository
(``--snapshot``, a git directory), then the tests jars from Maven Central.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/signatures/realworld_corpus.py` works
    sys.path.insert(0, str(ROOT))

from scripts.dss import DSS_VERSION, GROUP, DssResult, dss_home, validate  # noqa: E402
from scripts.server_fetch import cache_dir, maven_copy  # noqa: E402

MANIFEST = Path(__file__).with_name("realworld_manifest.json")
REPOSITORY = "esig/dss"
TAG = "6.4"
LICENCE = "LGPL-2.1-only"
MODULES = ("dss-pades", "dss-cades")  # local folder = module, as in the tests jars
# a detached signature and the content it signs (from DSS's own tests)
DETACHED = {
    "dss-cades/validation/dss-1188/Test.bin.sig": "dss-cades/validation/dss-1188/Test.bin",
    "dss-cades/validation/dss-1344/screenshot.png.signed_qes_detached.p7s": (
        "dss-cades/validation/dss-1344/screenshot.png"
    ),
    "dss-cades/validation/dss-1670/signatureExtendedTwoLTA.p7s": (
        "dss-cades/validation/dss-1670/screenshot.png"
    ),
    "dss-cades/validation/dss-1892/detached_with_counter_sig.p7m": (
        "dss-cades/validation/dss-1892/signed_content.bin"
    ),
    "dss-cades/validation/dss-646/CAdES_A_DETACHED.csig": (
        "dss-cades/validation/dss-646/document.pdf"
    ),
    "dss-cades/validation/dss-728/CADES-B-DETACHED-withpolicy1586434883385020407.cades": (
        "dss-cades/validation/dss-728/InfoSelladoTiempo.pdf"
    ),
    "dss-cades/validation/dss-916/test.txt.signed.qes.detached.p7s": (
        "dss-cades/validation/dss-916/test.txt"
    ),
    "dss-cades/validation/dss-916/test.txt.signed_Certipost-2048.detached.old.p7s": (
        "dss-cades/validation/dss-916/test.txt"
    ),
}
PLUGTEST_NAME = re.compile(r"Signature-[A-Z]+-([A-Z]{2})_[A-Z]+-\d+")
COUNTRY_NAMES = {"Luxembourg": "LU"}
# the certificates of DSS's self-made test PKI (its pki-factory, by Nowina): not
# real-world; LuxTrust certificates of Nowina's staff (51sigs.pdf) are
DSS_PKI_SIGNERS = {
    "good-user", "good-user-with-pseudo", "good-tsa", "sha3-good-user", "ee-good-user",
    "A a", "Tester",
}  # fmt: skip


def corpus_dir() -> Path:
    return cache_dir() / "corpora" / "signatures-realworld"


def source_cache() -> Path:
    return dss_home() / "corpus"


def held_out(name: str) -> bool:
    """The fixed split nobody may tune on: a third of the files, by the path's hash."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % 3 == 0


def repository_path(name: str) -> str:
    module, rest = name.split("/", 1)
    return f"{module}/src/test/resources/{rest}"


def git_blob_id(data: bytes) -> str:
    """Git's object id of DATA: proves a file is the one at the recorded path and commit,
    even where a snapshot lists a large file without its content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def load_manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(MANIFEST.read_text())
    return manifest


# --- fetch -----------------------------------------------------------------------------


def fetch(snapshot: Path | None = None, target: Path | None = None) -> Path:
    """Assembles the corpus (validated files and detached contents), verified by SHA-256."""
    manifest = load_manifest()
    target = target or corpus_dir()
    wanted = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    missing = {n: h for n, h in wanted.items() if _sha256(target / n) != h}
    jars: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="eakte-dss-tests-") as work:
        for name, digest in sorted(missing.items()):
            data = _from_cache(name, digest) or _from_snapshot(snapshot, name, digest)
            if data is None:
                data = _from_tests_jar(jars, Path(work), name, digest)
            if data is None:
                raise SystemExit(f"no source has {name} with sha256 {digest}")
            _write_atomically(target / name, data)
    print(f"{len(wanted)} files in {target} ({len(missing)} fetched), sha256 verified")
    return target


def _write_atomically(path: Path, data: bytes) -> None:
    """A parallel run (or a reader) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}.part")
    staging.write_bytes(data)
    os.replace(staging, path)


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _checked(data: bytes | None, digest: str) -> bytes | None:
    return data if data is not None and hashlib.sha256(data).hexdigest() == digest else None


def _from_cache(name: str, digest: str) -> bytes | None:
    path = source_cache() / name
    return _checked(path.read_bytes(), digest) if path.is_file() else None


def _from_snapshot(snapshot: Path | None, name: str, digest: str) -> bytes | None:
    if snapshot is None:
        return None
    argv = ["git", "--git-dir", str(snapshot), "cat-file", "blob", f"{TAG}:{repository_path(name)}"]
    done = subprocess.run(argv, capture_output=True, check=False)
    return _checked(done.stdout, digest) if done.returncode == 0 else None


def _from_tests_jar(jars: dict[str, Path], work: Path, name: str, digest: str) -> bytes | None:
    """The module's ``tests`` jar from Maven Central holds the same test resources."""
    module, inner = name.split("/", 1)
    if module not in jars:
        maven_copy(f"{GROUP}:{module}:{DSS_VERSION}:jar:tests", work, "eu/europa/ec/joinup")
        jars[module] = work / f"{module}-{DSS_VERSION}-tests.jar"
    with zipfile.ZipFile(jars[module]) as jar:
        try:
            return _checked(jar.read(inner), digest)
        except KeyError:
            return None


# --- manifest --------------------------------------------------------------------------


def build_manifest(snapshot: Path) -> dict[str, Any]:
    """Every file of the cached DSS test resources, described and judged by DSS (offline,
    no trust anchors: a real-world chain is untrusted here, as in eAkte without anchors)."""
    source = source_cache()
    commit = _git(snapshot, "rev-parse", f"{TAG}^{{commit}}")
    blobs = _tree_blobs(snapshot)
    names = sorted(str(p.relative_to(source)) for p in source.rglob("*") if p.is_file())
    contents = set(DETACHED.values())
    validated = [n for n in names if n not in contents and not n.endswith((".png", ".txt"))]
    results = validate(
        [source / n for n in validated],
        detached={source / s: source / c for s, c in DETACHED.items()},
    )
    by_name = dict(zip(validated, results, strict=True))
    files = []
    for name in names:
        data = (source / name).read_bytes()
        if blobs.get(repository_path(name)) != git_blob_id(data):
            raise SystemExit(f"{name} is not the file at {TAG}:{repository_path(name)}")
        entry: dict[str, Any] = {
            "name": name,
            "repository": REPOSITORY,
            "path": repository_path(name),
            "commit": commit,
            "licence": LICENCE,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }
        if name in by_name:
            entry |= _judged(name, by_name[name])
        else:
            entry["role"] = "detached content"
        files.append(entry)
    return _with_summary(files, commit)


def _judged(name: str, result: DssResult) -> dict[str, Any]:
    signatures = [s for s in result.signatures if s.kind == "signature"]
    signers = sorted({s.signed_by or "?" for s in result.signatures})
    if not result.signatures:
        origin = "no signature"
    elif DSS_PKI_SIGNERS.intersection(signers):
        origin = "dss-test-pki"
    else:
        origin = "real-world"
    plugtest = PLUGTEST_NAME.search(name)
    countries = sorted(
        {COUNTRY_NAMES.get(c, c) for s in result.signatures if (c := s.signer_country)}
    )
    return {
        "role": "validated",
        "detached_content": DETACHED.get(name),
        "origin": origin,
        "country": plugtest.group(1) if plugtest else (countries[0] if countries else None),
        "country_from": "plugtest file name" if plugtest else "signer certificate C=",
        "signer_countries": countries,
        "signers": signers,
        "split": "held_out" if held_out(name) else "tuning",
        "dss": {
            "verdict": result.verdict,
            "sub_indication": result.sub_indication,
            "signatures": len(signatures),
            "timestamps": len(result.signatures) - len(signatures),
            "formats": sorted({s.format or "?" for s in signatures}),
            "error": result.error,
        },
    }


def _with_summary(files: list[dict[str, Any]], commit: str) -> dict[str, Any]:
    judged = [f for f in files if f["role"] == "validated"]
    real = [f for f in judged if f["origin"] == "real-world"]
    return {
        "description": "Signed files from EU DSS's test resources (tag 6.4), with DSS 6.4's "
        "verdict offline and without trust anchors. origin real-world: no signature by "
        "DSS's own test PKI (good-user etc.); ETSI plugtest, national CAs, vendors.",
        "source": {"repository": REPOSITORY, "tag": TAG, "commit": commit, "licence": LICENCE},
        "peer": f"EU DSS {DSS_VERSION}, default validation policy, offline (scripts/dss.py)",
        "split_rule": "held_out if int(sha256(name)[:8], 16) % 3 == 0, else tuning",
        "summary": {
            "validated": len(judged),
            "real_world": len(real),
            "real_world_countries": dict(
                sorted(Counter(f["country"] or "?" for f in real).items())
            ),
            "held_out": sum(f["split"] == "held_out" for f in judged),
            "dss_verdicts": dict(Counter(f["dss"]["verdict"] for f in judged).most_common()),
        },
        "files": files,
    }


def _git(snapshot: Path, *args: str) -> str:
    argv = ["git", "--git-dir", str(snapshot), *args]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()


def _tree_blobs(snapshot: Path) -> dict[str, str]:
    listing = _git(
        snapshot, "ls-tree", "-r", TAG, "--", *(f"{m}/src/test/resources" for m in MODULES)
    )
    blobs = {}
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        blobs[path] = meta.split()[2]
    return blobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["fetch", "manifest"])
    parser.add_argument("--snapshot", type=Path, help="git directory of a DSS snapshot")
    parser.add_argument("--into", type=Path, help="target folder (default: the cache)")
    args = parser.parse_args(argv)
    if args.command == "fetch":
        fetch(args.snapshot, args.into)
        return 0
    if args.snapshot is None:
        parser.error("manifest needs --snapshot (the DSS repository's git directory)")
    if not shutil.which("git"):
        raise SystemExit("git missing")
    manifest = build_manifest(args.snapshot)
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(manifest["summary"], indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
