"""The real-world S/MIME corpus: signed e-mails from other projects' public test data,
copied into ``bench/signatures/smime/files/<source>/`` with a manifest recording each
file's repository, commit, path, licence, SHA-256, what its own test suite says about it
and what OpenSSL says about it.

Why these files: eAkte's S/MIME check was only tried on mails it generated itself. These
were made by other software (Thunderbird, Outlook, Apple Mail, BlackBerry, AS2 gateways,
NSS, OpenSSL, Bouncy Castle) and include tampered and odd mails.

    python bench/signatures/smime_corpus.py build   # from local git snapshots (below)
    python bench/signatures/smime_corpus.py peer    # refresh OpenSSL's answers only

``build`` reads each file with ``git show <commit>:<path>`` from a bare snapshot of its
repository (``--mirror DIR``, one ``owner+name/repo`` directory per repository, as the
snapshots are laid out here). Files that came from a text index rather than a snapshot
(``transcribed``) are kept as committed; only their checksums are recomputed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).with_name("smime")
FILES = CORPUS / "files"
MANIFEST = CORPUS / "manifest.json"
SPLIT_RULE = "held_out if int(sha256(name)[:8], 16) % 2 == 0, else tuning"

# source -> repository, commit, licence, and the files taken with what the source's own
# tests say about them ("valid", "tampered", "bad" = flagged for reasons other than
# integrity, None = not stated)
SOURCES: dict[str, dict[str, Any]] = {
    "comm-central": {
        "repository": "mozilla/releases-comm-central",
        "commit": "cf9726f56328e24a2cd2d24eaf01563c676a28e6",
        "licence": "MPL-2.0",
        "note": "Thunderbird's S/MIME test mails, made with NSS's test suite (Alice, Dave);"
        " expectations from mailnews/extensions/smime/test/unit/test_smime_decrypt.js",
        "files": {
            "mailnews/test/data/smime/alice.dsig.SHA1.multipart.eml": "valid",
            "mailnews/test/data/smime/alice.dsig.SHA1.multipart.bad.eml": "tampered",
            "mailnews/test/data/smime/alice.dsig.SHA1.multipart.mismatch-econtent.eml": (
                "tampered"
            ),
            "mailnews/test/data/smime/alice.dsig.SHA256.multipart.eml": "valid",
            "mailnews/test/data/smime/alice.dsig.SHA256.multipart.bad.eml": "tampered",
            "mailnews/test/data/smime/alice.dsig.SHA256.multipart.mismatch-econtent.eml": (
                "tampered"
            ),
            "mailnews/test/data/smime/alice.dsig.SHA384.multipart.eml": "valid",
            "mailnews/test/data/smime/alice.dsig.SHA384.multipart.bad.eml": "tampered",
            "mailnews/test/data/smime/alice.dsig.SHA512.multipart.eml": "valid",
            "mailnews/test/data/smime/alice.dsig.SHA512.multipart.bad.eml": "tampered",
            "mailnews/test/data/smime/alice.dsig.SHA512.multipart.mismatch-econtent.eml": (
                "tampered"
            ),
            "mailnews/test/data/smime/alice.sig.SHA1.opaque.eml": "valid",
            "mailnews/test/data/smime/alice.sig.SHA256.opaque.eml": "valid",
            "mailnews/test/data/smime/alice.sig.SHA512.opaque.eml": "valid",
            "mailnews/test/data/smime/alice.html.sig.SHA256.opaque.eml": "valid",
            "mailnews/test/data/smime/alice.future.dsig.SHA256.multipart.eml": "bad",
            "mailnews/test/data/smime/alice.plain.dsig.SHA256.multipart.dave.dsig.SHA256.multipart.eml": "bad",  # noqa: E501
            "mailnews/test/data/smime/alice.plain.sig.SHA256.opaque.dave.dsig.SHA256.multipart.eml": "bad",  # noqa: E501
            "mailnews/test/data/smime-manual/outer-smime-bad-sig-inner-smime-enc.eml": ("tampered"),
            "mail/test/browser/smime/data/alice.dsig.SHA256.multipart.in.mixed.eml": None,
            "mail/test/browser/smime/data/alice.dsig.SHA256.multipart.in.mixed.with.header.eml": None,  # noqa: E501
            "mail/test/browser/smime/data/nested-sigs.eml": None,
            "mail/test/browser/openpgp/data/eml/outer-smime-bad-sig-inner-pgp-enc.eml": (
                "tampered"
            ),
            "mail/test/browser/openpgp/data/eml/dual-signed-uncommon-content-type.eml": None,
        },
    },
    "bc-java": {
        "repository": "bcgit/bc-java",
        "commit": "1a269caece1bfb2290ccd47098038c6edab3619b",
        "licence": "MIT (Bouncy Castle Licence)",
        "note": "Bouncy Castle's S/MIME test mails: Outlook, Outlook for Mac, BlackBerry,"
        " AS2 gateways, OpenSSL; expectations from mail/src/test/java/.../smime/test",
        "files": {
            f"mail/src/test/resources/org/bouncycastle/mail/smime/test/{name}": said
            for name, said in {
                "3nnn_smime.eml": "valid",
                "basicAS2.message": "valid",
                "brokenEnv.message": None,
                "circular.eml": None,
                "embeddedmulti.message": "valid",
                "extra-nl.eml": "valid",
                "multi-alternative.eml": "valid",
                "openssl-signed-sha256-non-default-salt-length.eml": "valid",
                "qp-soft-break.eml": "valid",
                "quotable.message": "valid",
                "rawAS2.message": "valid",
                "validator.expired.eml": "bad",
                "validator.extKeyUsage.eml": "bad",
                "validator.keyUsage.eml": "bad",
                "validator.longValidity.eml": "valid",
                "validator.noEmail.eml": "bad",
                "validator.notYetValid.eml": "bad",
                "validator.revoked.eml": "bad",
                "validator.shortKey.eml": "bad",
                "validator.validMail.eml": "valid",
            }.items()
        },
    },
    "simple-java-mail": {
        "repository": "bbottema/simple-java-mail",
        "commit": "982007485db7a5397e7c2782bfc296c530636a14",
        "licence": "Apache-2.0",
        "note": "mails received over the Internet: Thunderbird 52 and Outlook.com",
        "files": {
            "modules/simple-java-mail/src/test/resources/pkcs12/test messages/S_MIME test message signed.eml": "valid",  # noqa: E501
            "modules/simple-java-mail/src/test/resources/test-messages/SMIME (signed and clear text).eml": "valid",  # noqa: E501
        },
    },
    "messagelib": {
        "repository": "KDE/messagelib",
        "commit": "c20572f5c6d4d6fe73c20eba3cecb2c800fe3d51",
        "licence": "LGPL-2.0-or-later (repository licence)",
        "note": "an Apple Mail 9.3 mail with a COMODO certificate; transcribed from the"
        " code index (the snapshot is over the size limit), LF line ends",
        "transcribed": True,
        "files": {"mimetreeparser/autotests/data/smime-signed-apple.mbox": "tampered"},
    },
    "openssl": {
        "repository": "openssl/openssl",
        "commit": "e6750875258f4e8d789d32f35b8c0e1b7618d66e",
        "licence": "Apache-2.0",
        "note": "a signature with an empty digestAlgorithms set; transcribed from the code"
        " index (the snapshot is over the size limit), LF line ends",
        "transcribed": True,
        "files": {"test/smime-eml/pkcs7-empty-digest-set.eml": None},
    },
}


def local_name(source: str, path: str) -> str:
    """``<source>/<file name>``, spaces and odd characters made safe for a path."""
    name = re.sub(r"[^A-Za-z0-9._+-]+", "_", Path(path).name).strip("_")
    return f"{source}/{name}"


def split_of(name: str) -> str:
    return (
        "held_out" if int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % 2 == 0 else "tuning"
    )


def openssl_says(path: Path) -> dict[str, Any]:
    """OpenSSL's integrity check (``cms -verify -noverify``: digest and signature value,
    no chain): ``intact``, ``failed`` (the digest or the signature value does not verify)
    or ``unreadable`` (no S/MIME structure OpenSSL can read at the top of the mail). The
    reason comes from ``smime -verify``, which names it; the signer's subject when the
    signature is readable."""
    verify = subprocess.run(
        ["openssl", "cms", "-verify", "-noverify", "-inform", "SMIME", "-in", str(path),
         "-out", "/dev/null"],
        capture_output=True, text=True, errors="replace",
    )  # fmt: skip
    if verify.returncode == 0:
        integrity = "intact"
    elif "Verification failure" in verify.stderr:
        integrity = "failed"
    else:
        integrity = "unreadable"
    with tempfile.TemporaryDirectory() as scratch:
        signer = Path(scratch) / "signer.pem"
        detail = subprocess.run(
            ["openssl", "smime", "-verify", "-noverify", "-in", str(path), "-signer",
             str(signer), "-out", "/dev/null"],
            capture_output=True, text=True, errors="replace",
        )  # fmt: skip
        reasons = re.findall(r"routines:\w+:([^:]+):", detail.stderr)
        subject = None
        if signer.exists():
            shown = subprocess.run(
                ["openssl", "x509", "-in", str(signer), "-noout", "-subject", "-nameopt",
                 "RFC2253"],
                capture_output=True, text=True, errors="replace",
            )  # fmt: skip
            subject = shown.stdout.strip().removeprefix("subject=") or None
    return {
        "integrity": integrity,
        "returncode": verify.returncode,
        "reason": "; ".join(dict.fromkeys(reasons)) or None,
        "signer": subject,
    }


def build(mirror: Path) -> None:
    entries = []
    for source, spec in SOURCES.items():
        git_dir = mirror / spec["repository"].replace("/", "+") / "repo"
        for path, said in spec["files"].items():
            name = local_name(source, path)
            target = FILES / name
            if not spec.get("transcribed"):
                data = subprocess.run(
                    ["git", "--git-dir", str(git_dir), "show", f"{spec['commit']}:{path}"],
                    capture_output=True, check=True,
                ).stdout  # fmt: skip
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            entries.append(_entry(source, spec, path, name, said))
    _write(entries)


def refresh_peer() -> None:
    manifest = json.loads(MANIFEST.read_text())
    entries = []
    for entry in manifest["files"]:
        spec = SOURCES[entry["source"]]
        entries.append(
            _entry(entry["source"], spec, entry["path"], entry["name"], entry["source_says"])
        )
    _write(entries)


def _entry(
    source: str, spec: dict[str, Any], path: str, name: str, said: str | None
) -> dict[str, Any]:
    data = (FILES / name).read_bytes()
    return {
        "name": name,
        "source": source,
        "repository": spec["repository"],
        "commit": spec["commit"],
        "path": path,
        "licence": spec["licence"],
        "transcribed": bool(spec.get("transcribed")),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "split": split_of(name),
        "source_says": said,
        "openssl": openssl_says(FILES / name),
    }


def _write(entries: list[dict[str, Any]]) -> None:
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    manifest = {
        "description": "S/MIME-signed e-mails from other projects' public test data (see"
        " bench/signatures/smime_corpus.py for why and how).",
        "sources": {
            source: {k: v for k, v in spec.items() if k != "files"}
            for source, spec in SOURCES.items()
        },
        "peer": f"{version}: cms -verify -noverify -inform SMIME (integrity only, no chain)",
        "split_rule": SPLIT_RULE,
        "source_says": "valid: the source's tests expect a good signature; tampered: content"
        " changed after signing; bad: flagged for another reason (certificate, signer, date)",
        "files": entries,
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    for entry in entries:
        said = entry["source_says"] or "-"
        print(f"{entry['split']:8} {entry['openssl']['integrity']:10} {said:8} {entry['name']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "peer"])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args(argv)
    if shutil.which("openssl") is None:
        print("openssl is needed as the peer", file=sys.stderr)
        return 2
    if args.command == "build":
        build(args.mirror)
    else:
        refresh_peer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
