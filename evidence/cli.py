"""`eakte beweis …`: evidence records (RFC 4998) for closed Akten made, renewed and
checked from the terminal (German for people, ``--json`` for scripts)."""

from __future__ import annotations

import click

from akten.cli import emit, register
from eakte.errors import EakteError
from eakte.settings import load_settings


@click.group()
def beweis() -> None:
    """Beweisdatensätze (RFC 4998) für geschlossene Akten: Unverfälschtheit der Dokumente
    über Jahrzehnte nachweisen (Hashbaum, Zeitstempel, Erneuerung)."""


@beweis.command("erstellen")
@click.argument("aktenzeichen")
def erstellen(aktenzeichen: str) -> None:
    """Für eine geschlossene Akte einen Hashbaum über alle Originale und Fassungen bilden
    und seine Wurzel beim Zeitstempeldienst (EAKTE_TSA_URL) zeitstempeln lassen."""
    from eakte.wiring import build_store
    from evidence import akte as store_evidence
    from evidence.tsa import stamper_from

    settings = load_settings()
    with register() as akten:
        found = akten.get(aktenzeichen)
        if found.status != "closed":
            raise EakteError(f"Akte {found.aktenzeichen} ist noch offen: erst schließen")
        record_ids = [d.record_id for d in akten.documents(found.aktenzeichen)]
    objects = store_evidence.create(
        build_store(settings), found.uuid, found.aktenzeichen, record_ids,
        stamper_from(settings.tsa_url),
    )  # fmt: skip
    click.echo(
        f"Beweisdatensatz für Akte {found.aktenzeichen}: {len(objects)} Datenobjekte "
        "(Originale und Fassungen) zeitgestempelt.",
        err=True,
    )


@beweis.command("erneuern")
@click.argument("aktenzeichen")
@click.option(
    "--hashbaum",
    is_flag=True,
    help="Hashbaum erneuern (neues Hashverfahren; alle Dokumente werden neu gelesen) "
    "statt nur den Zeitstempel.",
)
@click.option(
    "--verfahren",
    type=click.Choice(["sha256", "sha384", "sha512"]),
    default="sha256",
    show_default=True,
    help="Hashverfahren des neuen Hashbaums (nur mit --hashbaum).",
)
def erneuern(aktenzeichen: str, hashbaum: bool, verfahren: str) -> None:
    """Den Beweisdatensatz einer Akte erneuern, bevor Zeitstempel-Zertifikat oder
    -Verfahren schwach werden (RFC 4998 Abschnitt 5)."""
    from eakte.wiring import build_store
    from evidence import akte as store_evidence
    from evidence.tsa import stamper_from

    settings = load_settings()
    with register() as akten:
        found = akten.get(aktenzeichen)
    count = store_evidence.renew(
        build_store(settings), found.uuid, found.aktenzeichen, stamper_from(settings.tsa_url),
        hash_tree=hashbaum, algorithm=verfahren,
    )  # fmt: skip
    what = f"Hashbaum ({verfahren.upper()})" if hashbaum else "Zeitstempel"
    click.echo(f"Akte {found.aktenzeichen}: {what} für {count} Datenobjekte erneuert.", err=True)


@beweis.command("pruefen")
@click.argument("dokument")
@click.option("--json", "as_json", is_flag=True)
def pruefen(dokument: str, as_json: bool) -> None:
    """Den Beweisdatensatz eines Dokuments prüfen: Prüfsumme des Originals, Pfad im
    Hashbaum und die Kette der Zeitstempel. Exit-Code 1, wenn der Nachweis nicht gelingt."""
    from eakte.retrieval import get_manifest
    from eakte.wiring import build_context
    from evidence import akte as store_evidence
    from evidence.verify import token_checker
    from signatures.trust import load_trust_config

    settings = load_settings()
    ctx = build_context(settings)
    try:
        manifest = get_manifest(ctx, dokument)
    finally:
        ctx.index.close()
    with register() as akten:
        placed = akten.placement(manifest.id)
        if placed is None:
            raise store_evidence.NoEvidence(f"Dokument {manifest.id[:12]} ist in keiner Akte")
        found = akten.get(placed.aktenzeichen)
    trust = load_trust_config(settings.trust_dir, settings.crl_dir)
    results = store_evidence.check_document(
        ctx.store, found.uuid, found.aktenzeichen, manifest,
        token_checker(list(trust.anchors), list(trust.crls)),
    )  # fmt: skip
    ok = all(finding.ok for _, finding in results)
    if as_json:
        emit(
            {
                "id": manifest.id,
                "aktenzeichen": found.aktenzeichen,
                "ok": ok,
                "objects": [
                    {
                        "name": name,
                        "ok": f.ok,
                        "proven_time": f.proven_time.isoformat() if f.proven_time else None,
                        "reason": f.reason,
                        "steps": f.lines,
                    }
                    for name, f in results
                ],
            }
        )
    else:
        for name, finding in results:
            click.echo(f"{name}: {'bestätigt' if finding.ok else 'NICHT bestätigt'}")
            for line in finding.lines:
                click.echo(f"  {line}")
    if not ok:
        raise SystemExit(1)
