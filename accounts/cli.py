"""`eakte users …` and `eakte audit …`: accounts and the audit trail from the terminal.

The token of `users add`/`users reset` goes to standard output once (for a script to
hand over); everything people read goes to standard error, in German.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from accounts.roles import ROLES
from eakte.settings import load_settings

if TYPE_CHECKING:
    from accounts.db import Database

MIN_PASSWORD = 10

# SQLAlchemy and Alembic cost a third of a second to import: only these commands pay it.


@contextmanager
def _database() -> Iterator[Database]:
    from accounts.db import open_database

    database = open_database(load_settings().web.database)
    try:
        yield database
    finally:
        database.close()


@click.group()
def users() -> None:
    """Benutzer, Rollen, Abteilungen und API-Token verwalten."""


@users.command("add")
@click.argument("name")
@click.option("--role", "role", required=True, type=click.Choice(ROLES), help="Rolle")
@click.option("--department", "departments", multiple=True, help="Abteilung (mehrfach möglich)")
def add(name: str, role: str, departments: tuple[str, ...]) -> None:
    """Einen Benutzer anlegen; das API-Token wird nur dieses eine Mal angezeigt."""
    from accounts.users import Accounts

    with _database() as database:
        token = Accounts(database).add(name, role, departments)
    click.echo(f"Benutzer {name} angelegt ({role}). API-Token (nur jetzt sichtbar):", err=True)
    click.echo(token)


@users.command("list")
def list_users() -> None:
    """Alle Benutzer mit Rolle, Abteilungen und Zustand."""
    from accounts.users import Accounts

    with _database() as database:
        accounts = Accounts(database).list()
    if not accounts:
        click.echo("Noch keine Benutzer: `eakte users add NAME --role ROLLE`.", err=True)
    for account in accounts:
        state = "gesperrt" if account.disabled else "aktiv"
        departments = ", ".join(account.departments) or "–"
        click.echo(f"{account.name}\t{account.role}\t{departments}\t{state}")


@users.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Einen Benutzer sperren; sein Token gilt sofort nicht mehr."""
    from accounts.users import Accounts

    with _database() as database:
        Accounts(database).disable(name)
    click.echo(f"Benutzer {name} gesperrt.", err=True)


@users.command("reset")
@click.argument("name")
def reset(name: str) -> None:
    """Ein neues API-Token ausgeben; das alte gilt sofort nicht mehr."""
    from accounts.users import Accounts

    with _database() as database:
        token = Accounts(database).reset(name)
    click.echo(f"Neues API-Token für {name} (nur jetzt sichtbar):", err=True)
    click.echo(token)


@users.command("password")
@click.argument("name")
@click.option("--stdin", "from_stdin", is_flag=True, help="Passwort aus der Standardeingabe lesen")
def password(name: str, from_stdin: bool) -> None:
    """Das Passwort für die Anmeldung im Browser setzen (gespeichert nur als argon2-Hash)."""
    from accounts.users import Accounts

    if from_stdin:
        secret = sys.stdin.readline().rstrip("\n")
    else:
        secret = click.prompt("Neues Passwort", hide_input=True, confirmation_prompt=True)
    if len(secret) < MIN_PASSWORD:
        raise click.BadParameter(f"Das Passwort braucht mindestens {MIN_PASSWORD} Zeichen.")
    with _database() as database:
        Accounts(database).set_password(name, secret)
    click.echo(f"Passwort für {name} gesetzt.", err=True)


@click.group()
def audit() -> None:
    """Das Protokoll der Zugriffe prüfen und ausgeben."""


@audit.command("verify")
def verify() -> None:
    """Die Hash-Kette prüfen; nennt den ersten beschädigten Eintrag (Exit-Code 1)."""
    from accounts.audit import AuditLog

    with _database() as database:
        intact, broken = AuditLog(database).verify()
    if broken is None:
        click.echo(f"Protokoll unversehrt: {intact} Einträge.", err=True)
        return
    click.echo(
        f"Protokoll beschädigt ab Eintrag {broken.seq}: {broken.reason} "
        f"({intact} Einträge davor unversehrt).",
        err=True,
    )
    sys.exit(1)


def _day(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} ist kein Datum (JJJJ-MM-TT)") from exc


@audit.command("export")
@click.option("--from", "first", required=True, help="Erster Tag (JJJJ-MM-TT, UTC)")
@click.option("--to", "last", required=True, help="Letzter Tag (JJJJ-MM-TT, UTC), einschließlich")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def export(first: str, last: str, output: Path | None) -> None:
    """Die Einträge dieser Tage als JSON-Zeilen (für den Datenschutz)."""
    from accounts.audit import AuditLog, day_range, export_line

    start, end = day_range(_day(first), _day(last))
    if end <= start:
        raise click.BadParameter("--to liegt vor --from")
    count = 0
    with _database() as database:
        stream = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            for row in AuditLog(database).entries(start, end):
                stream.write(export_line(row) + "\n")
                count += 1
        finally:
            if output:
                stream.close()
    click.echo(f"{count} Einträge ausgegeben.", err=True)
