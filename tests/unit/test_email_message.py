"""E-mail parsing: messages built in code with the standard library, good and broken."""

from __future__ import annotations

import base64
import contextlib
import random
import struct
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from eakte.errors import CorruptInput, InputRejected, LimitExceeded
from ingest.email_message import MailContent, read_message
from ingest.mail_sniff import looks_like_email

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def _mail(subject: str = "Widerspruch gegen den Gebührenbescheid") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Jörg Müller <joerg.mueller@example.org>"
    message["To"] = "Poststelle <poststelle@stadt.example>"
    message["Subject"] = subject
    message["Date"] = "Tue, 01 Dec 2026 09:30:00 +0100"
    message["Message-ID"] = "<4711@example.org>"
    return message


def _read(message: EmailMessage | bytes, max_attachments: int = 10) -> MailContent:
    data = message if isinstance(message, bytes) else message.as_bytes()
    return read_message(data, max_attachments=max_attachments)


def test_plain_mail_has_a_german_header_block_and_decoded_umlauts() -> None:
    message = _mail()
    message.set_content("Sehr geehrte Damen und Herren,\nich lege Widerspruch ein.\n")
    assert "=?utf-8?" in message.as_string()  # RFC 2047 on the wire

    content = _read(message)

    assert content.subject == "Widerspruch gegen den Gebührenbescheid"
    assert content.sender == "Jörg Müller <joerg.mueller@example.org>"
    assert content.date == "2026-12-01T09:30:00+01:00"
    assert content.message_id == "<4711@example.org>"
    assert content.text.startswith(
        "Von: Jörg Müller <joerg.mueller@example.org>\n"
        "An: Poststelle <poststelle@stadt.example>\n"
        "Datum: 01.12.2026 09:30 +0100\n"
        "Betreff: Widerspruch gegen den Gebührenbescheid\n\n"
        "Sehr geehrte Damen und Herren,\nich lege Widerspruch ein."
    )
    assert content.attachments == [] and content.notes == []


def test_html_only_mail_is_converted_to_text() -> None:
    message = _mail()
    message.set_content(
        "<html><body><h1>Antrag</h1><p>Bitte um <b>Rückruf</b>.</p></body></html>",
        subtype="html",
    )
    text = _read(message).text
    assert "Antrag" in text and "Bitte um Rückruf." in text
    assert "<" not in text.split("Betreff:", 1)[1]


def test_alternative_prefers_the_plain_text() -> None:
    message = _mail()
    message.set_content("Klartext des Schreibens")
    message.add_alternative("<p>HTML-Fassung des Schreibens</p>", subtype="html")
    text = _read(message).text
    assert "Klartext des Schreibens" in text and "HTML-Fassung" not in text


def test_pdf_and_jpeg_attachments_keep_bytes_and_rfc2231_names() -> None:
    message = _mail()
    message.set_content("Anbei die Unterlagen.")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="Bescheid Ä.pdf")
    message.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="Foto Straße.jpg")
    assert "filename*=utf-8''Bescheid%20%C3%84.pdf" in message.as_string()

    content = _read(message)

    assert [(a.filename, a.content_type, a.data) for a in content.attachments] == [
        ("Bescheid Ä.pdf", "application/pdf", PDF),
        ("Foto Straße.jpg", "image/jpeg", JPEG),
    ]
    assert "Anhänge: Bescheid Ä.pdf, Foto Straße.jpg" in content.text
    assert "Anbei die Unterlagen." in content.text


def test_rfc2047_encoded_filename_as_outlook_writes_it() -> None:
    raw = (
        b"From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain\r\n\r\nText\r\n"
        b'--b1\r\nContent-Type: application/pdf; name="=?UTF-8?B?w4RyZ2VyLnBkZg==?="\r\n'
        b'Content-Disposition: attachment; filename="=?UTF-8?B?w4RyZ2VyLnBkZg==?="\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b1--\r\n"
    )
    [attachment] = _read(raw).attachments
    assert attachment.filename == "Ärger.pdf" and attachment.data == b"%PDF-1.4"


def test_nameless_attachment_gets_a_name_from_its_type_and_hostile_names_are_cut() -> None:
    message = _mail()
    message.set_content("Zwei Anhänge")
    message.add_attachment(PDF, maintype="application", subtype="pdf")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="..\\..\\böse.pdf")
    content = _read(message)
    assert [a.filename for a in content.attachments] == ["anhang-1.pdf", "böse.pdf"]


def test_apple_mail_body_split_around_an_inline_attachment_is_one_text() -> None:
    message = _mail()
    message.make_mixed()
    for text in ("Erster Absatz.", None, "Zweiter Absatz."):
        part = EmailMessage()
        if text is None:
            part.set_content(PDF, maintype="application", subtype="pdf", filename="Plan.pdf")
            part.replace_header("Content-Disposition", 'inline; filename="Plan.pdf"')
        else:
            part.set_content(text)
        message.attach(part)
    content = _read(message)
    assert [a.filename for a in content.attachments] == ["Plan.pdf"]
    assert "Erster Absatz.\n\nZweiter Absatz." in content.text


def test_forwarded_message_becomes_an_eml_attachment_that_reads_as_a_mail() -> None:
    inner = _mail("Ursprüngliche Anfrage")
    inner.set_content("Innerer Text")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="innen.pdf")
    outer = _mail("WG: Ursprüngliche Anfrage")
    outer.set_content("Zur Kenntnis.")
    outer.add_attachment(inner)
    unnamed = _mail("")
    del unnamed["Subject"]
    unnamed.set_content("ohne Betreff")
    outer.add_attachment(unnamed)

    content = _read(outer)

    forwarded, second = content.attachments
    assert (forwarded.filename, forwarded.content_type) == (
        "Ursprüngliche Anfrage.eml",
        "message/rfc822",
    )
    assert second.filename == "weitergeleitet.eml"
    assert "Innerer Text" not in content.text
    nested = read_message(forwarded.data, max_attachments=10)
    assert nested.subject == "Ursprüngliche Anfrage" and "Innerer Text" in nested.text
    assert [(a.filename, a.data) for a in nested.attachments] == [("innen.pdf", PDF)]
    assert looks_like_email(forwarded.data[:8192])


def test_forwarded_message_in_base64_is_decoded_though_rfc2046_forbids_it() -> None:
    inner = b"From: x@example.org\nSubject: Innen\n\nInnerer Text\n"
    raw = (
        b'From: a@example.org\nSubject: x\nContent-Type: multipart/mixed; boundary="q"\n\n'
        b"--q\nContent-Type: text/plain\n\nAussen\n--q\nContent-Type: message/rfc822\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(inner) + b"--q--\n"
    )
    [forwarded] = _read(raw).attachments
    assert (forwarded.filename, forwarded.data) == ("Innen.eml", inner)


def test_inline_cid_image_stays_in_the_mail_and_is_noted() -> None:
    message = _mail()
    message.set_content("Text mit Logo")
    message.add_alternative('<p>Text mit Logo <img src="cid:logo@stadt"></p>', subtype="html")
    html = message.get_payload(1)
    assert isinstance(html, EmailMessage)
    # the image says Content-Disposition: attachment, as some mailers write it
    html.add_related(PNG, maintype="image", subtype="png", cid="<logo@stadt>", filename="logo.png")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="antrag.pdf")

    content = _read(message)

    assert [a.filename for a in content.attachments] == ["antrag.pdf"]
    assert any("logo.png" in note and "E-Mail" in note for note in content.notes)
    assert "Text mit Logo" in content.text


def test_cid_image_outside_related_is_still_inline() -> None:
    message = _mail()
    message.set_content('<img src="cid:bild1">Hallo', subtype="html")
    message.add_attachment(
        PNG, maintype="image", subtype="png", cid="<bild1>", disposition="inline"
    )
    content = _read(message)
    assert content.attachments == [] and len(content.notes) == 1


def _tnef_object(level: int, attribute: int, data: bytes) -> bytes:
    header = struct.pack("<BHHI", level, attribute & 0xFFFF, attribute >> 16, len(data))
    return header + data + struct.pack("<H", sum(data) & 0xFFFF)


def _winmail_dat(files: list[tuple[str, bytes]], body: bytes) -> bytes:
    """A minimal TNEF stream (MS-OXTNEF): version, body, one attachment block per file."""
    stream = struct.pack("<IH", 0x223E9F78, 0x0001)
    stream += _tnef_object(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    stream += _tnef_object(1, 0x0002800C, body + b"\x00")  # attBody
    for name, data in files:
        stream += _tnef_object(2, 0x00069002, bytes(14))  # attAttachRendData opens a file
        stream += _tnef_object(2, 0x00018010, name.encode() + b"\x00")  # attAttachTitle
        stream += _tnef_object(2, 0x0006800F, data)  # attAttachData
    return stream


def test_winmail_dat_is_unpacked_into_its_attachments_and_body() -> None:
    message = _mail()
    message.set_content("Siehe Anlage")
    winmail = _winmail_dat([("bescheid.pdf", PDF), ("foto.jpg", JPEG)], b"Text aus Outlook")
    message.add_attachment(
        winmail, maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )

    content = _read(message)

    assert [(a.filename, a.content_type, a.data) for a in content.attachments] == [
        ("bescheid.pdf", "application/pdf", PDF),
        ("foto.jpg", "image/jpeg", JPEG),
    ]
    assert "Siehe Anlage" in content.text and "Text aus Outlook" in content.text


def test_undecodable_winmail_dat_is_kept_as_it_is_with_a_note() -> None:
    message = _mail()
    message.set_content("Siehe Anlage")
    broken = b"\x78\x9f\x3e\x22\x01\x00" + b"\xff" * 40  # right magic, nonsense after it
    message.add_attachment(
        broken, maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    message.add_attachment(
        b"nicht tnef", maintype="application", subtype="octet-stream", filename="WINMAIL.DAT"
    )

    content = _read(message)

    assert [(a.filename, a.data) for a in content.attachments] == [
        ("winmail.dat", broken),
        ("winmail.dat", b"nicht tnef"),
    ]
    assert sum("winmail.dat" in note for note in content.notes) == 2


def test_more_attachments_than_allowed_is_a_limit() -> None:
    message = _mail()
    message.set_content("Viele Anhänge")
    for number in range(3):
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"{number}.pdf")
    assert len(_read(message, max_attachments=3).attachments) == 3
    with pytest.raises(LimitExceeded, match="mehr als 2 Anhänge"):
        _read(message, max_attachments=2)


def _with_pdf() -> bytes:
    message = _mail()
    message.set_content("Text")
    message.add_attachment(PDF * 40, maintype="application", subtype="pdf", filename="a.pdf")
    return message.as_bytes()


def test_multipart_without_boundary_keeps_its_raw_text_with_a_note() -> None:
    raw = b"From: a@example.org\nSubject: x\nContent-Type: multipart/mixed\n\nText\n"
    content = _read(raw)
    assert "Text" in content.text and content.attachments == []
    assert any("NoBoundaryInMultipartDefect" in note for note in content.notes)


def test_boundary_that_never_starts_keeps_its_raw_text_with_a_note() -> None:
    raw = b'From: a@example.org\nSubject: x\nContent-Type: multipart/mixed; boundary="zz"\n\nText\n'
    content = _read(raw)
    assert "Text" in content.text
    assert any("StartBoundaryNotFoundDefect" in note for note in content.notes)


def test_a_closing_boundary_without_its_final_dashes_is_a_complete_mail() -> None:
    data = _with_pdf()
    boundary = BytesParser(policy=policy.default).parsebytes(data).get_boundary() or ""
    closing = f"--{boundary}--".encode()
    assert data.rstrip().endswith(closing)
    content = _read(data.rstrip()[:-2] + b"\n")
    assert [item.filename for item in content.attachments] == ["a.pdf"]
    assert content.attachments[0].data == PDF * 40
    assert any("ohne abschließendes --" in note for note in content.notes)


def test_a_truncated_mail_is_stored_with_what_it_holds_and_a_note() -> None:
    data = _with_pdf()
    content = _read(data[: len(data) * 2 // 3])
    assert len(content.attachments) == 1  # the cut PDF: refused on its own when ingested
    assert content.attachments[0].data.startswith(b"%PDF-1.4")
    assert any("abgeschnitten" in note for note in content.notes)


def test_an_unindented_header_continuation_as_exchange_writes_it_is_folded() -> None:
    message = _mail()
    message.set_content("Text")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="a.pdf")
    data = message.as_bytes().replace(
        b"To: Poststelle <poststelle@stadt.example>\n",
        b"To: Poststelle <poststelle@stadt.example>,\nBauamt <bauamt@stadt.example>\n",
    )
    assert looks_like_email(data)
    content = _read(data)
    assert "bauamt@stadt.example" in content.text
    assert [item.filename for item in content.attachments] == ["a.pdf"]
    assert any("ohne Einrückung" in note for note in content.notes)


def test_a_calendar_invitation_becomes_text_of_the_mail() -> None:
    message = _mail("Einladung Ortstermin")
    message.set_content("Bitte bestätigen Sie den Termin.")
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Stadt//DE\r\nMETHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\nUID:1@stadt.example\r\nDTSTAMP:20260301T080000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:20260312T100000\r\n"
        "DTEND;TZID=Europe/Berlin:20260312T110000\r\n"
        "SUMMARY:Ortstermin Bauantrag 2026-0815\r\nLOCATION:Rathaus\\, Zimmer 204\r\n"
        "ORGANIZER;CN=Anna Schmidt:mailto:anna.schmidt@stadt.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    message.add_alternative(ics, subtype="calendar", params={"method": "REQUEST"})
    message.add_attachment(ics.encode(), maintype="text", subtype="calendar", filename="a.ics")
    content = _read(message)
    assert content.attachments == []
    assert "Einladung: Ortstermin Bauantrag 2026-0815" in content.text
    assert "Beginn: 12.03.2026 10:00" in content.text
    assert "Ort: Rathaus, Zimmer 204" in content.text
    assert "Organisator: Anna Schmidt <anna.schmidt@stadt.example>" in content.text


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01\x02" * 100, b"Hallo Welt, kein Kopf\n", PDF])
def test_input_without_a_header_block_is_not_a_mail(garbage: bytes) -> None:
    with pytest.raises(CorruptInput, match="Kopfzeilen"):
        _read(garbage)


def test_thousands_of_nested_multiparts_are_corrupt_not_a_crash() -> None:
    depth = 3000
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (n, n) for n in range(depth)
    )
    closing = b"".join(b"--b%d--\n" % n for n in reversed(range(depth)))
    raw = b"From: a@example.org\nSubject: x\n" + opening + b"\nText\n" + closing
    with pytest.raises(CorruptInput, match="verschachtelt"):
        _read(raw)


def test_damaged_base64_is_decoded_as_far_as_it_goes_with_a_note() -> None:
    data = _with_pdf()
    head, body = data.split(b"Content-Disposition: attachment", 1)
    body = body.replace(b"JVBER", b"JV!!BER", 1)  # characters outside the alphabet
    content = _read(head + b"Content-Disposition: attachment" + body)
    assert content.attachments[0].data == PDF * 40
    assert any("ungültige Zeichen" in note for note in content.notes)
    before, pdf_part = data.split(b'filename="a.pdf"', 1)
    one_too_many = before + b'filename="a.pdf"' + pdf_part.replace(b"\n\n--", b"A\n\n--", 1)
    content = _read(one_too_many)  # length 1 mod 4: the dangling character is dropped
    assert content.attachments[0].data == PDF * 40
    assert any("unvollständig" in note for note in content.notes)


def test_missing_base64_padding_alone_is_tolerated_with_a_note() -> None:
    message = _mail()
    message.set_content("Text")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    data = message.as_bytes().replace(b"JVBERi0xLjQ=", b"JVBERi0xLjQ")
    content = _read(data)
    assert content.attachments[0].data == b"%PDF-1.4"
    assert any("Base64" in note for note in content.notes)


def test_bad_header_values_do_not_stop_reading() -> None:
    raw = (
        b"From: =?utf-8?q?unvollst=C3 <<@>>\nSubject: Gr\xfc\xdfe\nDate: gestern\n"
        b"Content-Type: text/plain; charset=x-unbekannt\n\nInhalt \xe4\n"
    )
    content = _read(raw)
    assert content.date is None and "Datum: gestern" in content.text
    assert content.subject == "Grüße" and "Inhalt ä" in content.text  # Latin-1, undeclared
    assert content.sender is not None


def test_random_damage_raises_only_our_errors() -> None:
    """Whatever a broken mail server delivers: a result or an ``InputRejected``."""
    rng = random.Random(5322)
    base = _with_pdf()
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 20)):
            position = rng.randrange(len(data))
            data[position : position + rng.randint(1, 8)] = rng.randbytes(rng.randint(0, 8))
        with contextlib.suppress(InputRejected):
            read_message(bytes(data), max_attachments=10)


def test_looks_like_email() -> None:
    message = _mail()
    message.set_content("x")
    data = message.as_bytes()
    assert looks_like_email(data)
    assert looks_like_email(b"From MAILER-DAEMON Tue Dec  1 09:30:00 2026\n" + data)
    assert looks_like_email(b"Received: from a\r\n by b\r\nReturn-Path: <a@b>\r\n" + b"X: " * 3000)
    assert not looks_like_email(b"Betreff: Antrag\nDas ist ein Brief.\n")
    assert looks_like_email(b"Content-Type: text/plain\nMIME-Version: 1.0\n\nx")  # an entity
    assert not looks_like_email(b"Notiz: Content-Type: text/plain ist ein Kopf\nDas ist Text\n")
    assert not looks_like_email(PDF) and not looks_like_email(b"\x00\x01")
    assert not looks_like_email(b"Von: a\nAn: b\nDas ist ein Brief.\nMit Zeilen.\n\n")


def test_parsed_tree_round_trips_for_the_fixtures() -> None:
    """Guards the fixtures: the standard library must see a valid mail in them."""
    parsed = BytesParser(policy=policy.default).parsebytes(_with_pdf())
    assert parsed.defects == [] and parsed.is_multipart()
