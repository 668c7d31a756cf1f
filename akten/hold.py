"""Legal hold (Sperre): an Akte under litigation must survive its retention end. The hold
is an Akte event (the latest of on/off counts) that stops the Aussonderung's deletion,
and in distributed mode an S3 legal hold on each original, which the server enforces."""

from __future__ import annotations

from akten.registry import AktenRegister
from eakte.ports import ObjectStore, RetentionLock

ON, OFF = "legal_hold_on", "legal_hold_off"


def is_held(events: list[dict[str, object]]) -> bool:
    """Whether the latest hold event of an Akte's history puts it on hold."""
    holds = [event["action"] for event in events if event["action"] in (ON, OFF)]
    return bool(holds) and holds[-1] == ON


def set_hold(
    register: AktenRegister,
    store: ObjectStore,
    aktenzeichen: str,
    on: bool,
    *,
    actor: str,
    reason: str,
) -> int:
    """Put the Akte on hold (or lift it): the event first, then each original; returns the
    number of originals held on the server (0 on a store without legal hold)."""
    akte = register.get(aktenzeichen)
    register.log(akte.aktenzeichen, ON if on else OFF, actor=actor, reason=reason)
    if not isinstance(store, RetentionLock):
        return 0
    documents = register.documents(akte.aktenzeichen)
    for document in documents:
        store.set_legal_hold(document.record_id, on)
    return len(documents)
