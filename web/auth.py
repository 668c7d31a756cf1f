"""API keys: who may call the API and which groups' records they may find.

The keys file holds the SHA-256 of each key, never the key: a leaked file (a backup, a
misplaced copy) grants nothing. Keys are long random tokens (``new_key``), so a plain
SHA-256 is enough; a slow password hash would only cost time on every request.

Secure default: with no keys configured the API answers every request with 503 instead
of running open. The file is read once at start; a changed file needs a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from eakte.errors import ConfigurationError

KEY_BYTES = 32


class ApiKeyEntry(BaseModel):
    """One line of the keys file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    key_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: a name for the logs, groups for the visibility filter."""

    name: str
    groups: tuple[str, ...]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(name: str, groups: tuple[str, ...] = ()) -> tuple[str, ApiKeyEntry]:
    """A fresh random key (shown once to its holder) and the entry for the keys file."""
    key = secrets.token_urlsafe(KEY_BYTES)
    return key, ApiKeyEntry(name=name, key_sha256=hash_key(key), groups=groups)


class KeyRing:
    """The configured keys; ``authenticate`` compares in constant time with every entry."""

    def __init__(self, entries: list[ApiKeyEntry]) -> None:
        self._entries = list(entries)

    @property
    def configured(self) -> bool:
        return bool(self._entries)

    def authenticate(self, key: str) -> Caller | None:
        presented = hash_key(key).encode("ascii")
        found: ApiKeyEntry | None = None
        for entry in self._entries:  # no early exit: the time does not depend on the match
            if hmac.compare_digest(presented, entry.key_sha256.encode("ascii")):
                found = entry
        return Caller(found.name, found.groups) if found else None


def load_key_ring(path: Path | None) -> KeyRing:
    """No path: an empty ring (the API refuses). A path that is missing or malformed is a
    configuration error at start, not a silently closed API."""
    if path is None:
        return KeyRing([])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = TypeAdapter(list[ApiKeyEntry]).validate_python(data)
    except OSError as exc:
        raise ConfigurationError(
            f"EAKTE_API_KEYS_FILE {path} nicht lesbar: {exc.strerror}"
        ) from exc
    except (ValueError, ValidationError) as exc:
        detail = str(exc).splitlines()[0]
        raise ConfigurationError(
            f"EAKTE_API_KEYS_FILE {path} ist keine gültige Schlüsselliste: {detail}"
        ) from exc
    hashes = [entry.key_sha256 for entry in entries]
    if len(set(hashes)) != len(hashes):
        raise ConfigurationError(f"EAKTE_API_KEYS_FILE {path}: ein Schlüssel steht doppelt darin")
    return KeyRing(entries)


_bearer = HTTPBearer(auto_error=False, description="API-Schlüssel (`python -m web.keygen`)")


def require_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """Dependency of every /api route: the caller, or 401/503 with a German reason."""
    keys: KeyRing = request.app.state.keys
    if not keys.configured:
        raise HTTPException(
            503,
            "Keine API-Schlüssel eingerichtet (EAKTE_API_KEYS_FILE): "
            "die Schnittstelle nimmt keine Anfragen an.",
        )
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(
            401, "Anmeldung erforderlich: Authorization: Bearer <API-Schlüssel>", challenge
        )
    caller = keys.authenticate(credentials.credentials)
    if caller is None:
        raise HTTPException(401, "API-Schlüssel ungültig.", challenge)
    return caller
