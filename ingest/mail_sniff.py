"""Is it an e-mail? The header-block test sniffing uses (``ingest.sniff``), and the
header-line shape ``ingest.email_message`` folds stray lines with."""

from __future__ import annotations

import re

SNIFF_WINDOW = 8192  # ingest.sniff.HEAD_BYTES: how much of a file sniffing sees
_HEAD_NAMES = frozenset(
    {"from", "to", "cc", "subject", "date", "message-id", "mime-version", "received"}
    | {"return-path", "delivered-to", "reply-to", "sender", "content-type", "x-mailer"}
)
HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:")
_MIME_TYPE = re.compile(rb"(?im)^content-type:[ \t]*[a-z]+/[a-z0-9.+-]+")


def looks_like_email(head: bytes) -> bool:
    """True when the first bytes are an RFC 5322 header block with typical mail headers.

    Header-shaped lines until the first empty line (an mbox ``From `` line first is
    allowed; a few unindented continuation lines, as Exchange writes them, are too), and
    at least two well-known names, so a text file that happens to start with
    ``Betreff:`` is not taken for a mail. A short message (one known header, or a bare
    MIME entity with only ``Content-Type:``, as mail libraries and gateways store parts)
    counts when its whole header block is seen and ends."""
    lines = head.splitlines()
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    if len(head) >= SNIFF_WINDOW and lines and not head.endswith((b"\n", b"\r")):
        lines = lines[:-1]  # cut in the middle of a line by the sniffing window
    names: list[bytes] = []
    stray = 0
    ended = False
    for number, line in enumerate(lines):
        if not line.strip() and not (number > 0 and line[:1] in (b" ", b"\t")):
            ended = True
            break
        if line[:1] in (b" ", b"\t") and number > 0:
            continue
        match = HEADER_LINE.match(line)
        if match is None and number == 0:
            return False
        if match is None:
            stray += 1
        else:
            names.append(match.group(1).lower())
    known = {name.decode("ascii") for name in names} & _HEAD_NAMES
    if stray > max(1, len(names) // 4):
        return False
    if len(known) >= 2 and known - {"content-type", "mime-version"}:
        return True
    complete = ended or len(head) < SNIFF_WINDOW  # the header block ends, or the file
    return complete and (bool(known) or _MIME_TYPE.search(head) is not None)
