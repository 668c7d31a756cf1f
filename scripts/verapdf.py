"""veraPDF, the PDF Association's reference validator, to check our PDF/A renditions.

pikepdf can write the PDF/A identification, but only a validator can say whether the file
keeps the promise. veraPDF is Java; its command-line app is published on Maven Central
as `org.verapdf.apps:greenfield-apps`, one shaded jar with all its dependencies, so it
is fetched like Elasticsearch (scripts/server_fetch.py): `mvn dependency:copy` once into
`~/.cache/eakte/verapdf-VERSION/` (or under `EAKTE_CACHE_DIR`), run on the machine's JDK.

    python -m scripts.verapdf ensure
    python -m scripts.verapdf check FILE.pdf [--flavour 2b]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from scripts.server_fetch import ServerError, _publish, cache_dir, maven_copy

# the newest app on Maven Central; the libraries are at 1.30.2, but no app of them yet
VERAPDF_VERSION = "1.28.2"
ARTIFACT = f"org.verapdf.apps:greenfield-apps:{VERAPDF_VERSION}"
CLI_MAIN = "org.verapdf.apps.GreenfieldCliWrapper"
# C1 only: a validation is a short run, and the JVM starts in half the time (1.5 s, not 3)
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true")


class VeraPdfError(RuntimeError):
    """veraPDF could not be fetched or could not evaluate a file (not: the file failed)."""


def verapdf_home() -> Path:
    return cache_dir() / f"verapdf-{VERAPDF_VERSION}"


def verapdf_jar() -> Path:
    return verapdf_home() / f"greenfield-apps-{VERAPDF_VERSION}.jar"


def ensure_verapdf() -> Path:
    """The app's jar, fetched from Maven Central the first time (seconds, 9.5 MB)."""
    jar = verapdf_jar()
    if jar.exists():
        return jar

    def download(staging: Path) -> Path:
        try:
            maven_copy(ARTIFACT, staging, "org/verapdf")
        except ServerError as exc:
            raise VeraPdfError(str(exc)) from exc
        return staging

    began = time.monotonic()
    _publish(verapdf_home(), download)
    print(f"fetched veraPDF {VERAPDF_VERSION} in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return jar


def validate_pdfa(path: Path | str, flavour: str = "2b") -> tuple[bool, list[str]]:
    """Whether PATH conforms to FLAVOUR, and the rules it breaks as veraPDF names them
    ("6.2.4.3-4": ISO 19005-2 clause 6.2.4.3, test 4). Raises VeraPdfError when veraPDF
    gives no verdict (no PDF, encrypted, crashed)."""
    report = _run(Path(path), flavour)
    verdict = report.find("jobs/job/validationReport")
    if verdict is None:
        problem = report.findtext("jobs/job/taskException/exceptionMessage") or "no report"
        raise VeraPdfError(f"veraPDF could not validate {path}: {problem}")
    failed = [
        f"{rule.get('clause')}-{rule.get('testNumber')}"
        for rule in verdict.iterfind("details/rule")
        if rule.get("status") == "failed"
    ]
    return verdict.get("isCompliant") == "true" and not failed, failed


def _run(path: Path, flavour: str) -> ET.Element:
    if not path.is_file():
        raise VeraPdfError(f"no such file: {path}")
    # veraPDF keeps its config in ~/.verapdf: point user.home at the cache instead
    java = ["java", *JAVA_OPTIONS, f"-Duser.home={verapdf_home()}", "-cp", str(ensure_verapdf())]
    argv = [*java, CLI_MAIN, "--flavour", flavour, "--format", "xml", "--nonpdfext", str(path)]
    done = subprocess.run(argv, capture_output=True, check=False)
    # 0: compliant, 1: not compliant, 7: could not parse (said in the report); others
    # (bad arguments, missing file, crash) leave no report worth reading
    if done.returncode not in (0, 1, 7):
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise VeraPdfError("\n".join([f"veraPDF exit {done.returncode} on {path}:", *tail]))
    try:
        return ET.fromstring(done.stdout)
    except ET.ParseError as exc:
        raise VeraPdfError(f"veraPDF wrote no readable report for {path}: {exc}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["ensure", "check"])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--flavour", default="2b", help="PDF/A part and level, e.g. 2b")
    args = parser.parse_args(argv)
    try:
        if args.command == "ensure":
            print(ensure_verapdf())
            return 0
        worst = 0
        for file in args.files:
            passed, failed = validate_pdfa(file, args.flavour)
            print(f"{'PASS' if passed else 'FAIL'} {file} {' '.join(failed)}".rstrip())
            worst = max(worst, 0 if passed else 1)
        return worst
    except (VeraPdfError, subprocess.CalledProcessError) as exc:
        print(f"verapdf: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
