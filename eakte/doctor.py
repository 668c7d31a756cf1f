"""`eakte doctor`: what is installed, what is missing, and the command that fixes it."""

from __future__ import annotations

from dataclasses import dataclass

from eakte.errors import EakteError
from eakte.settings import Settings

TESSERACT_PACKAGES = "apt-get install tesseract-ocr-deu tesseract-ocr-osd"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    hint: str = ""
    required: bool = True


def run_checks(settings: Settings) -> list[Check]:
    checks = [_check_tesseract(settings)]
    checks += _check_languages(settings)
    checks.append(_check_backends(settings))
    checks.append(_check_trust(settings))
    checks.append(
        Check(
            "Klassifikator",
            ok=False,
            detail="noch nicht enthalten; Dokumenttypen bleiben leer",
            required=False,
        )
    )
    return checks


def _check_tesseract(settings: Settings) -> Check:
    from ingest.tesseract import find_tessdata, library_version

    try:
        folder = find_tessdata(settings.tessdata_dir)
    except EakteError as exc:
        return Check("Tesseract", False, exc.message, TESSERACT_PACKAGES)
    return Check("Tesseract", True, f"libtesseract {library_version()}, Sprachdaten in {folder}")


def _check_languages(settings: Settings) -> list[Check]:
    from ingest.tesseract import installed_languages

    installed = installed_languages(settings.tessdata_dir)
    wanted = [*settings.ocr_languages.split("+"), "osd"]
    return [
        Check(
            f"Sprachdaten {lang}",
            lang in installed,
            "installiert" if lang in installed else "fehlt",
            f"apt-get install tesseract-ocr-{lang}",
            required=lang != "osd",
        )
        for lang in wanted
    ]


def _check_backends(settings: Settings) -> Check:
    from eakte.wiring import build_context

    try:
        ctx = build_context(settings)
        count = ctx.index.count()
        ctx.index.close()
    except EakteError as exc:
        return Check("Speicher und Index", False, exc.message)
    except OSError as exc:
        return Check("Speicher und Index", False, f"{settings.data_dir}: {exc.strerror}")
    return Check(
        "Speicher und Index", True, f"eingebettet in {settings.data_dir}, {count} Akten im Index"
    )


def _check_trust(settings: Settings) -> Check:
    from signatures.trust import load_trust_config

    try:
        trust = load_trust_config(settings.trust_dir, settings.crl_dir, settings.signature_mode)
    except EakteError as exc:
        return Check("Vertrauensanker", False, exc.message, "EAKTE_TRUST_DIR prüfen")
    if not trust.anchors:
        return Check(
            "Vertrauensanker",
            False,
            "keine konfiguriert: Signaturen werden höchstens INDETERMINATE",
            "EAKTE_TRUST_DIR auf einen Ordner mit Wurzelzertifikaten (PEM/DER) setzen",
            required=False,
        )
    return Check(
        "Vertrauensanker",
        True,
        f"{len(trust.anchors)} Zertifikate, {len(trust.crls)} Sperrlisten, "
        f"Prüfmodus {settings.signature_mode}",
    )
