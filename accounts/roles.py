"""The roles, apart from the database code so the CLI can name them without loading it."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["mailroom", "clerk", "archivist", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
