"""EU DSS 6.4, the European Commission's reference validator for AdES signatures, as
the peer that eAkte's signature verdicts are compared with (issue 14).

DSS is Java and published on Maven Central (groupId ``eu.europa.ec.joinup.sd-dss``);
like veraPDF (scripts/verapdf.py) its jars are fetched once into
``~/.cache/eakte/dss-6.4/lib`` (or under ``EAKTE_CACHE_DIR``), with their dependencies.
A small validator (scripts/dss/Validate.java) is compiled against them into
``classes/<hash of the source>`` and runs in ONE JVM for many files, offline: starting
DSS takes seconds, and a verdict that depends on the network is no reference.

    python -m scripts.dss ensure
    python -m scripts.dss check FILE... [--trust CERT]... [--crl CRL]...
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.server_fetch import _publish, cache_dir

DSS_VERSION = "6.4"
GROUP = "eu.europa.ec.joinup.sd-dss"
# PAdES on PDFBox, CAdES, the validation process and the pluggable parts DSS leaves to
# the caller (CMS implementation, the default policy's reader, utils, CRL parser); the
# rest (dss-spi, BouncyCastle, PDFBox, JAXB) comes along
ARTIFACTS = (
    (GROUP, "dss-pades-pdfbox", DSS_VERSION),
    (GROUP, "dss-cades", DSS_VERSION),
    (GROUP, "dss-cms-object", DSS_VERSION),
    (GROUP, "dss-validation", DSS_VERSION),
    (GROUP, "dss-policy-jaxb", DSS_VERSION),
    (GROUP, "dss-utils-apache-commons", DSS_VERSION),
    (GROUP, "dss-crl-parser-x509crl", DSS_VERSION),
    # RFC 4998 evidence records (ASN.1), for the check of eAkte's Beweisdatensätze
    (GROUP, "dss-evidence-record-asn1", DSS_VERSION),
    ("org.slf4j", "slf4j-nop", "2.0.16"),
)
# a jar each set of artifacts brings: a cache fetched before an artifact was added is
# fetched again into its own folder (lib-<hash of the artifacts>)
SENTINEL = f"dss-evidence-record-asn1-{DSS_VERSION}.jar"
SOURCE = Path(__file__).resolve().parent / "dss" / "Validate.java"
MAIN = "Validate"
JAVA_OPTIONS = ("-Djava.awt.headless=true", "-Xss8m")


class DssError(RuntimeError):
    """DSS could not be fetched, built or run (not: a signature failed)."""


@dataclass(frozen=True)
class DssSignature:
    """One signature or document timestamp as DSS's simple report gives it."""

    id: str
    kind: str  # "signature" or "timestamp"
    indication: str
    sub_indication: str | None
    format: str | None
    signed_by: str | None
    signer_country: str | None
    signer_organization: str | None
    counter_signature: bool
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DssResult:
    """DSS's answer for one file; ``verdict`` is the worst indication over its
    signatures and timestamps, ``UNSIGNED`` without any, ``ERROR`` when DSS refused."""

    path: Path
    verdict: str
    sub_indication: str | None
    signatures: tuple[DssSignature, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    evidence_records: tuple[dict[str, Any], ...] = ()  # indication, poe, timestamps


def dss_home() -> Path:
    return cache_dir() / f"dss-{DSS_VERSION}"


def lib_dir() -> Path:
    digest = hashlib.sha256(repr(ARTIFACTS).encode()).hexdigest()[:12]
    return dss_home() / f"lib-{digest}"


def ensure_jars() -> Path:
    """The jars, fetched with their dependencies from Maven Central the first time."""
    target = lib_dir()
    if target.is_dir() and (target / SENTINEL).exists():
        return target
    if not shutil.which("mvn"):
        raise DssError("mvn missing: apt-get install maven")

    def download(staging: Path) -> Path:
        (staging / "pom.xml").write_text(_pom())
        repo = cache_dir() / "maven"
        argv = [
            "mvn", "-B", "-q",
            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
            "-DincludeScope=runtime", f"-DoutputDirectory={staging / 'lib'}",
            f"-Dmaven.repo.local={repo}",
        ]  # fmt: skip
        done = subprocess.run(argv, cwd=staging, check=False)
        if done.returncode != 0:
            raise DssError(f"mvn could not fetch DSS {DSS_VERSION} (exit {done.returncode})")
        shutil.rmtree(repo, ignore_errors=True)  # the cache keeps one copy only
        return staging / "lib"

    began = time.monotonic()
    _publish(target, download)
    print(f"fetched DSS {DSS_VERSION} in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return target


def _pom() -> str:
    deps = "".join(
        f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>"
        f"<version>{v}</version></dependency>"
        for g, a, v in ARTIFACTS
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>eakte</groupId><artifactId>dss-peer</artifactId><version>1</version>"
        f"<dependencies>{deps}</dependencies></project>"
    )


def classes_dir() -> Path:
    source = SOURCE.read_bytes() + repr(ARTIFACTS).encode()
    digest = hashlib.sha256(source).hexdigest()[:16]
    return dss_home() / "classes" / digest


def ensure_dss() -> Path:
    """Jars present and Validate.java compiled (keyed by its hash): the class path."""
    lib = ensure_jars()
    target = classes_dir()
    if not (target / f"{MAIN}.class").exists():
        if not shutil.which("javac"):
            raise DssError("javac missing: apt-get install openjdk-17-jdk-headless")

        def compile_(staging: Path) -> Path:
            argv = ["javac", "-nowarn", "-cp", f"{lib}/*", "-d", str(staging), str(SOURCE)]
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise DssError(f"javac failed on {SOURCE}:\n{done.stderr[-2000:]}")
            return staging

        _publish(target, compile_)
    return target


def classpath() -> str:
    classes = ensure_dss()
    return os.pathsep.join([str(classes), f"{lib_dir()}/*"])


def validate(
    paths: Iterable[Path | str],
    trust_anchors: Sequence[Path | str] = (),
    crls: Sequence[Path | str] = (),
    detached: dict[Path, Path] | None = None,
) -> list[DssResult]:
    """DSS's verdict on each of PATHS, in one JVM, offline. ``detached`` maps a detached
    signature (``.p7s``) to the content it signs; ``trust_anchors`` are PEM or DER
    certificates (none: every chain is untrusted, as for real-world files here)."""
    files = [Path(p) for p in paths]
    detached = detached or {}
    jobs = "".join(f"{path}\t{detached.get(path, '')}\n" for path in files)
    argv = ["java", *JAVA_OPTIONS, "-cp", classpath(), MAIN]
    for anchor in trust_anchors:
        argv += ["--trust", str(anchor)]
    for crl in crls:
        argv += ["--crl", str(crl)]
    done = subprocess.run(argv, input=jobs, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or len(lines) != len(files):
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise DssError(f"DSS exit {done.returncode}, {len(lines)}/{len(files)} answers:\n{tail}")
    return [_result(json.loads(line)) for line in lines]


def _result(row: dict[str, Any]) -> DssResult:
    signatures = tuple(
        DssSignature(
            id=s["id"],
            kind=s["kind"],
            indication=s["indication"],
            sub_indication=s["sub_indication"],
            format=s["format"],
            signed_by=s["signed_by"],
            signer_country=s["signer_country"],
            signer_organization=s["signer_organization"],
            counter_signature=s["counter_signature"] == "yes",
            errors=tuple(s["errors"]),
            warnings=tuple(s["warnings"]),
        )
        for s in row.get("signatures", [])
    )
    if row.get("error"):
        verdict, sub = "ERROR", None
    else:
        verdict, sub = row["verdict"], row["sub_indication"]
    return DssResult(
        path=Path(row["path"]),
        verdict=verdict,
        sub_indication=sub,
        signatures=signatures,
        error=row.get("error"),
        seconds=float(row["seconds"]),
        evidence_records=tuple(row.get("evidence_records", [])),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["ensure", "check"])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--trust", action="append", default=[], type=Path)
    parser.add_argument("--crl", action="append", default=[], type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "ensure":
            print(ensure_dss())
            return 0
        for result in validate(args.files, args.trust, args.crl):
            sub = f" {result.sub_indication}" if result.sub_indication else ""
            print(f"{result.verdict}{sub} {result.path} {result.error or ''}".rstrip())
            for sig in result.signatures:
                print(f"  {sig.kind} {sig.indication} {sig.sub_indication or ''} "
                      f"{sig.format} {sig.signed_by} ({sig.signer_country})")  # fmt: skip
        return 0
    except DssError as exc:
        print(f"dss: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
