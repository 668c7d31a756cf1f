"""Checking an evidence record against a document (RFC 4998 §5.3), with German findings.

For every chain: the document's hash (chained with the hash of the earlier chains after
a hash-tree renewal) must lead along the reduced hash tree to the value the chain's
first timestamp covers; every later timestamp of a chain must cover the hash of the token
before it. Each token's signature and TSA certificate are checked against the trust
anchors at the time the following timestamp was made (the last one: now), as long-term
validation asks. The proven time is the first timestamp's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from asn1crypto import cms

from evidence.asn1 import ArchiveTimeStamp, ArchiveTimeStampSequence, EvidenceRecord
from evidence.record import chain_algorithm, chains_of, digest
from evidence.tree import root_of
from evidence.tsa import facts

TokenCheck = Callable[[cms.ContentInfo, bytes, str, datetime | None], str | None]


@dataclass(frozen=True)
class Finding:
    ok: bool
    proven_time: datetime | None
    lines: list[str] = field(default_factory=list)  # German, one step each
    reason: str | None = None  # German, the first failure


def check(
    record: EvidenceRecord,
    document_digest: Callable[[str], bytes],
    token_check: TokenCheck,
) -> Finding:
    """``document_digest(algorithm)`` hashes the document; ``token_check(token,
    imprint, algorithm, moment)`` says why a token is not valid (None: valid)."""
    lines: list[str] = []

    def failed(reason: str) -> Finding:
        return Finding(False, None, [*lines, f"FEHLER: {reason}"], reason)

    chains = chains_of(record)
    if not chains or not all(chains):
        return failed("Der Beweisdatensatz enthält keinen Zeitstempel")
    times = [
        [facts(ats["time_stamp"]).time for ats in chain] for chain in chains
    ]  # each token is checked at the time of the next one
    flat = [t for chain in times for t in chain]
    for earlier, later in pairwise(flat):
        if later < earlier:
            return failed(f"Zeitstempel nicht in zeitlicher Folge ({later:%d.%m.%Y %H:%M})")
    position = 0
    for number, chain in enumerate(chains, start=1):
        algorithm = chain_algorithm(chain)
        document = document_digest(algorithm)
        if number == 1:
            leaf = document
            lines.append(f"Prüfsumme des Dokuments ({algorithm.upper()}): {document.hex()}")
        else:
            before = ArchiveTimeStampSequence([list(c) for c in chains[: number - 1]])
            leaf = digest(document + digest(before.dump(), algorithm), algorithm)
            lines.append(
                f"Kette {number}: Hashbaum erneuert mit {algorithm.upper()}, Dokument neu "
                "gehasht und mit den früheren Ketten verbunden"
            )
        previous: ArchiveTimeStamp | None = None
        for ats in chain:
            own = ats["digest_algorithm"]["algorithm"].native if ats["digest_algorithm"] else None
            if own not in (None, algorithm):
                return failed(f"Kette {number} mischt Hashverfahren ({own} statt {algorithm})")
            start = leaf if previous is None else digest(previous["time_stamp"].dump(), algorithm)
            path = (
                [list(p.native) for p in ats["reduced_hashtree"]] if ats["reduced_hashtree"] else []
            )
            expected = root_of(start, path, algorithm)
            if expected is None:
                what = "das Dokument" if previous is None else "der vorige Zeitstempel"
                return failed(f"Kette {number}: {what} ist nicht im Hashbaum (Pfad passt nicht)")
            token = ats["time_stamp"]
            told = facts(token)
            if told.algorithm != algorithm or told.imprint != expected:
                return failed(
                    f"Kette {number}: der Zeitstempel vom {told.time:%d.%m.%Y %H:%M:%S} deckt "
                    "einen anderen Wert ab als den berechneten Wurzelwert"
                )
            position += 1
            moment = flat[position] if position < len(flat) else None
            problem = token_check(token, expected, algorithm, moment)
            if problem:
                return failed(f"Zeitstempel vom {told.time:%d.%m.%Y %H:%M:%S}: {problem}")
            kind = "Zeitstempel" if previous is None else "Erneuerung des Zeitstempels"
            depth = f", Hashbaumpfad mit {len(path)} Ebenen" if path else ""
            lines.append(
                f"Kette {number}: {kind} vom {told.time:%d.%m.%Y %H:%M:%S} UTC von "
                f"{told.tsa} gültig{depth}"
            )
            previous = ats
    proven = times[0][0]
    lines.append(f"Das Dokument bestand unverändert seit {proven:%d.%m.%Y %H:%M:%S} UTC.")
    return Finding(True, proven, lines)


def token_checker(trust_roots: list[object], crls: list[object]) -> TokenCheck:
    """Signature and TSA certificate of a token, checked by pyHanko against the trust
    anchors at ``moment`` (offline: revocation from the given CRLs, soft-fail)."""
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    def check_token(
        token: cms.ContentInfo, imprint: bytes, algorithm: str, moment: datetime | None
    ) -> str | None:
        context = ValidationContext(
            trust_roots=trust_roots,
            crls=crls,
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
        )
        try:
            status = asyncio.run(
                validate_tst_signed_data(token["content"], context, lambda _name: imprint)
            )
        except Exception as exc:
            return f"nicht prüfbar ({type(exc).__name__}: {exc})"[:200]
        if not status.get("intact") or not status.get("valid"):
            return "Signatur des Zeitstempels ungültig"
        problem = status.get("trust_problem_indic")
        if problem is not None:
            return f"Zertifikat des Zeitstempeldienstes nicht vertrauenswürdig ({problem})"
        return None

    return check_token
