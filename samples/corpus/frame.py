"""The frame around a draft: a DIN 5008 letter, an e-mail, a form or an official document.

Real incoming post mixes these layouts for every type, and it is untidy: a Betreff is
missing, an e-mail is typed in lower case, a scan has OCR errors. The frame adds that
variation so that neither the layout nor clean spelling gives the type away.
"""

from __future__ import annotations

import math
import random
import re
import textwrap
from collections.abc import Sequence

from samples.corpus.base import CITY, TOWN_HALL, Ctx, Draft, german_date
from samples.corpus.vocab import MAIL_DOMAIN, OFFICES, STAFF, WEEKDAYS

MISSING_BETREFF = 0.07  # share of letters and mails that arrive without a subject line
LOWERCASE_MAIL = 0.25  # share of private e-mails typed entirely in lower case
LINES_PER_PAGE = 48
_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def render(ctx: Ctx, draft: Draft, appendix: Sequence[str] = ()) -> str:
    """The whole letter as plain text, as OCR or an e-mail import would deliver it."""
    if draft.style == "email":
        return _render_email(ctx, draft, appendix)
    if draft.style == "form":
        lines = _form_lines(ctx, draft)
    elif draft.style == "dokument":
        lines = _document_lines(ctx, draft)
    else:
        lines = _letter_lines(ctx, draft)
    width = ctx.num(62, 84)
    wrapped = _wrap(lines, width)
    if appendix:
        wrapped += ["", *_wrap(list(appendix), width)]
    return "\n".join(_number_pages(ctx, wrapped)).strip("\n") + "\n"


def _sender(ctx: Ctx, draft: Draft) -> list[str]:
    if draft.sender is not None:
        return list(draft.sender)
    p = ctx.person
    variant = ctx.num(0, 3)
    if variant == 1:
        return [*p.address, f"Tel. {p.phone}", p.email]
    if variant == 2:
        return [f"{p.name} · {p.street} {p.number} · {p.plz} {p.place}"]
    if variant == 3:
        return [*p.address, f"E-Mail: {p.email}"]
    return list(p.address)


def _recipient(ctx: Ctx, draft: Draft) -> list[str]:
    if draft.recipient is not None:
        return list(draft.recipient)
    lines = [ctx.pick(("Stadtverwaltung Lindenau", "Stadt Lindenau", "An die Stadt Lindenau"))]
    if draft.office and ctx.chance(0.6):
        lines.append(OFFICES[draft.office][0])
    if ctx.chance(0.2):
        title, name = ctx.pick(STAFF)
        lines.append(f"z. Hd. {title} {name}")
    if ctx.chance(0.15):
        return [*lines, "Postfach 11 20", f"79310 {CITY}"]
    return [*lines, *TOWN_HALL[1:]]


def _date_line(ctx: Ctx, place: str) -> str:
    variant = ctx.num(0, 3)
    if variant == 0:
        return f"{place}, den {ctx.today()}"
    if variant == 1:
        return f"{place}, {ctx.today(long=False)}"
    if variant == 2:
        return f"Datum: {ctx.today(long=False)}"
    return ctx.today()


def _betreff(ctx: Ctx, betreff: str) -> list[str]:
    if ctx.chance(MISSING_BETREFF):
        return []
    prefix = ctx.pick(("Betreff: ", "Betreff: ", "", "Betr.: "))
    return [f"{prefix}{betreff}", ""]


def _salutation(ctx: Ctx, draft: Draft) -> str:
    if draft.salutation is not None:
        return draft.salutation
    if ctx.chance(0.2):
        title, name = ctx.pick(STAFF)
        return f"Sehr geehrte{'r' if title == 'Herr' else ''} {title} {name},"
    return ctx.pick(
        ("Sehr geehrte Damen und Herren,", "Sehr geehrte Damen und Herren,", "Guten Tag,")
    )


def _closing(ctx: Ctx, draft: Draft, formal: bool = True) -> list[str]:
    if draft.closing is not None:
        formula = draft.closing
    elif formal:
        formula = ctx.pick(
            (
                "Mit freundlichen Grüßen",
                "Freundliche Grüße",
                "Mit freundlichem Gruß",
                "Hochachtungsvoll",
            )
        )
    else:
        formula = ctx.pick(("Viele Grüße", "Mit freundlichen Grüßen", "Gruß", "Beste Grüße", "VG"))
    return [formula, "", draft.signer or ctx.person.name]


def _attachments(draft: Draft) -> list[str]:
    if not draft.attachments:
        return []
    if len(draft.attachments) == 1:
        return ["", f"Anlage: {draft.attachments[0]}"]
    return ["", "Anlagen:", *(f"- {a}" for a in draft.attachments)]


def _letter_lines(ctx: Ctx, draft: Draft) -> list[str]:
    sender = _sender(ctx, draft)
    out = [*sender, ""]
    if len(sender) > 1 and ctx.chance(0.3):
        out.append(" · ".join(sender[:3]))
    out += [*_recipient(ctx, draft), "", _date_line(ctx, ctx.person.place)]
    if draft.reference:
        out.append(draft.reference)
    out += ["", *_betreff(ctx, draft.betreff), _salutation(ctx, draft), ""]
    for paragraph in draft.body:
        out += [paragraph, ""]
    return [*out, *_closing(ctx, draft), *_attachments(draft)]


def _form_lines(ctx: Ctx, draft: Draft) -> list[str]:
    """A form: the city's (header) or a sender's own; signed only when the draft names a
    signer, since printed forms from systems (Mängelmelder, invoices) carry no signature."""
    out: list[str] = []
    if draft.sender is None and ctx.chance(0.5):
        out += [f"Stadt {CITY}", ""]
    if not ctx.chance(MISSING_BETREFF):
        out += [draft.betreff.upper() if ctx.chance(0.4) else draft.betreff, ""]
    for paragraph in draft.body:
        out += [paragraph, ""]
    if draft.signer is not None:
        signature = ctx.pick(("Unterschrift", "Unterschrift Antragsteller/in", "Unterschrift:"))
        place = ctx.person.place
        out += [f"Ort, Datum: {place}, {ctx.today(long=False)}", f"{signature} {draft.signer}"]
    return [*out, *_attachments(draft)]


def _document_lines(ctx: Ctx, draft: Draft) -> list[str]:
    header = list(draft.sender or (f"Stadt {CITY}", "Der Oberbürgermeister"))
    out = [*header, "", _date_line(ctx, CITY)]
    if draft.reference:
        out.append(draft.reference)
    out += ["", *_betreff(ctx, draft.betreff)]
    if draft.salutation:
        out += [draft.salutation, ""]
    for paragraph in draft.body:
        out += [paragraph, ""]
    if draft.signer:
        out += [draft.closing or "", draft.signer]
    return [*out, *_attachments(draft)]


def _wrap(lines: Sequence[str], width: int) -> list[str]:
    """Wrap like a letter printed at `width` characters; list items keep their lines."""
    out: list[str] = []
    for paragraph in lines:
        for line in paragraph.split("\n"):
            indent = "   " if line[:1].isdigit() or line[:2] == "- " else ""
            out += textwrap.wrap(line, width, subsequent_indent=indent) or [""]
    return out


def _number_pages(ctx: Ctx, lines: list[str]) -> list[str]:
    """Long letters carry page marks ("- 2 -"), as OCR text of a multi-page letter does."""
    if len(lines) <= LINES_PER_PAGE:
        return lines
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    style = ctx.num(0, 1)
    out = list(pages[0])
    for number, page in enumerate(pages[1:], 2):
        mark = f"- {number} -" if style == 0 else f"Seite {number} von {len(pages)}"
        out += ["", mark, "", *page]
    return out


def _mailbox(ctx: Ctx, draft: Draft) -> tuple[str, str]:
    """Display name and address of the sender of an e-mail."""
    if draft.sender is None:
        return ctx.person.name, ctx.person.email
    org = draft.sender[0]
    slug = re.sub(r"[^a-z0-9]+", "-", org.lower().translate(_ASCII)).strip("-")[:30]
    return draft.signer or org, f"{ctx.pick(('info', 'post', 'kontakt', 'buero'))}@{slug}.de"


def _mail_header(ctx: Ctx, draft: Draft) -> list[str]:
    name, address = _mailbox(ctx, draft)
    box = OFFICES[draft.office][1] if draft.office and ctx.chance(0.5) else "poststelle"
    to = f"{box}@{MAIL_DOMAIN}"
    betreff = "" if ctx.chance(MISSING_BETREFF) else draft.betreff
    stamp = f"{ctx.num(7, 22):02d}:{ctx.num(0, 59):02d}"
    weekday = WEEKDAYS[ctx.day.weekday()]
    if ctx.chance(0.1):
        sent = f"{ctx.day.isoformat()} {stamp}"
        return [f"From: {name} <{address}>", f"Sent: {sent}", f"To: {to}", f"Subject: {betreff}"]
    return [
        f"Von: {name} <{address}>",
        f"Gesendet: {weekday}, {german_date(ctx.day)} {stamp}",
        f"An: {to}",
        f"Betreff: {betreff}",
    ]


def _quoted_reply(ctx: Ctx) -> list[str]:
    """An earlier acknowledgement from the town hall, quoted under a reply."""
    earlier = ctx.before(3, 30, long=False)
    quoted = ctx.pick(
        (
            "vielen Dank für Ihre Nachricht. Wir haben Ihr Anliegen an die zuständige Stelle "
            "weitergeleitet und melden uns so bald wie möglich.",
            "Ihre E-Mail ist bei uns eingegangen. Bitte haben Sie Verständnis dafür, dass die "
            "Bearbeitung einige Tage dauern kann.",
        )
    )
    return ["", f"Am {earlier} schrieb Stadt {CITY} <poststelle@{MAIL_DOMAIN}>:", f"> {quoted}"]


def _render_email(ctx: Ctx, draft: Draft, appendix: Sequence[str]) -> str:
    salutation = draft.salutation or ctx.pick(
        (
            "Sehr geehrte Damen und Herren,",
            "Hallo,",
            "Guten Tag,",
            "Liebes Team der Stadt,",
            "Moin,",
        )
    )
    out = [*_mail_header(ctx, draft), "", salutation, ""]
    for paragraph in draft.body:
        out += [paragraph, ""]
    out += _closing(ctx, draft, formal=False)
    if draft.sender is not None:
        out += draft.sender[:3]
    elif ctx.chance(0.3):
        out += [f"Tel. {ctx.person.phone}"]
    out += _attachments(draft)
    if ctx.chance(0.1):
        out += ["", "Gesendet von meinem iPhone"]
    if ctx.chance(0.15):
        out += _quoted_reply(ctx)
    lines = _wrap(out, 72) if ctx.chance(0.4) else out
    if appendix:
        lines += ["", *appendix]
    text = "\n".join(lines).strip("\n") + "\n"
    if draft.sender is None and ctx.chance(LOWERCASE_MAIL):
        return text.lower()
    return text


# OCR confusions seen in German scans: similar glyph shapes, lost umlaut dots, split letters
_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "e": ("c", "o", "é"), "i": ("l", "1", "j"), "l": ("1", "I", "i"), "o": ("0", "a", "e"),
    "a": ("o", "e", "ä"), "n": ("u", "ri", "m"), "m": ("rn", "nn"), "u": ("ü", "n", "ii"),
    "ü": ("u", "ii", "ù"), "ö": ("o", "6"), "ä": ("a", "ii"), "ß": ("B", "fs", "ss"),
    "r": ("n", "t"), "h": ("b", "li"), "t": ("f", "l", "1"), "c": ("e", "("), "f": ("t",),
    "S": ("5", "$"), "B": ("8", "ß"), "O": ("0", "Q"), "I": ("l", "1"), "0": ("O", "o"),
    "1": ("l", "I"), "5": ("S",), "8": ("B",), ",": (".", ";"), ".": (",", ""), " ": ("", "  "),
    "d": ("cl",), "w": ("vv",), "g": ("q", "9"), "D": ("O",), "€": ("E", "C"),
}  # fmt: skip


def add_ocr_noise(text: str, rate: float, rng: random.Random) -> str:
    """Corrupt each character with probability `rate` (line breaks stay), like a poor scan.

    Positions are drawn as geometric gaps, so the cost grows with the number of errors
    and not with the length of the text.
    """
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"noise rate must be in [0, 1), got {rate}")
    if rate == 0.0:
        return text
    log_keep = math.log1p(-rate)
    out: list[str] = []
    start = 0
    position = int(math.log(1.0 - rng.random()) / log_keep)
    while position < len(text):
        out.append(text[start:position])
        out.append(_corrupt(text[position], rng))
        start = position + 1
        position = start + int(math.log(1.0 - rng.random()) / log_keep)
    out.append(text[start:])
    return "".join(out)


def _corrupt(char: str, rng: random.Random) -> str:
    if char == "\n":
        return char
    options = _CONFUSIONS.get(char)
    if options is None:
        lower = char.lower()
        if lower != char and lower in _CONFUSIONS:
            return lower  # a capital read as its small letter
        return rng.choice(("", char + char, "."))
    return rng.choice(options)
