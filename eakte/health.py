"""Health probes: each adapter says, when asked, whether its tool or server is ready.

``eakte doctor`` prints what the adapters answer (``eakte.doctor``), so what it reports is
what the wiring built, not a list kept beside it. A probe really asks its component (loads
the language data, pings the server, reads the model file); it never raises: an error
while asking is a failed probe with the error's message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar, runtime_checkable

from eakte.errors import EakteError

A = TypeVar("A")


@dataclass(frozen=True)
class Probe:
    """One answer: ``detail`` says what was found, ``fix`` the command or setting that
    mends a failure (German, for the people running the service). A failed probe that is
    not ``required`` is a hint: the service works without it, with less."""

    component: str
    ok: bool
    detail: str
    fix: str | None = None
    required: bool = True


@runtime_checkable
class Probed(Protocol):
    """An adapter that answers ``eakte doctor``."""

    def health(self) -> list[Probe]: ...


def failed(component: str, exc: BaseException, *, required: bool = True) -> Probe:
    """The failed probe for an error met while asking (or while building the adapter)."""
    if isinstance(exc, EakteError):
        detail = exc.message
    elif isinstance(exc, OSError) and exc.strerror:
        detail = f"{exc.filename or ''} {exc.strerror}".strip()
    else:
        detail = f"{type(exc).__name__}: {exc}"
    return Probe(component, False, detail, required=required)


def probe_errors(
    component: str, *, required: bool = True
) -> Callable[[Callable[[A], list[Probe]]], Callable[[A], list[Probe]]]:
    """For ``health`` methods: an exception becomes one failed probe of ``component``."""

    def decorate(method: Callable[[A], list[Probe]]) -> Callable[[A], list[Probe]]:
        @functools.wraps(method)
        def guarded(self: A) -> list[Probe]:
            try:
                return method(self)
            except Exception as exc:  # a probe answers, it does not raise
                return [failed(component, exc, required=required)]

        return guarded

    return decorate
