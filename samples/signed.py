"""Signed documents with known defects, made with pyHanko against the test PKI.

Each file isolates one thing a validator must notice (a changed byte, a later revision,
an expired, revoked or foreign certificate, a broken CMS blob, encryption), so a test can
pin the verdict to exactly that cause. Everything is built at run time around `pki.now`.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import tempfile
from pathlib import Path

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader, PdfWriter

from samples.pki import TestPki, build_test_pki
from samples.pki_server import as_asn1_cert, as_asn1_key
from samples.render import _add_text_page, _new_pdf

PASSWORD = "geheim"
ECDSA_PLAIN_SHA256 = "0.4.0.127.0.7.1.1.4.1.3"  # BSI TR-03111
OWNER_PASSWORD = "eakte-eigentuemer"
LOCATION = "Lindenau"

TEXTS: dict[str, list[str]] = {
    "valid": [
        "Stadt Lindenau - Amt für Umwelt\nBescheid über Abfallgebühren 2026\n"
        "Aktenzeichen: 70.2-2026-0815\nFestgesetzte Gebühr: 186,40 EUR"
    ],
    "valid_timestamp": [
        "Stadt Lindenau - Bauordnungsamt\nBaugenehmigung Nr. 63-2026-117\n"
        "Errichtung eines Carports, Lindenstraße 12"
    ],
    "two_signatures": [
        "Stadt Lindenau - Hauptamt\nVereinbarung über die Nutzung des Bürgerhauses\n"
        "gezeichnet von Amtsleitung und Bürgermeister"
    ],
    "qualified": [
        "Stadt Lindenau - Ordnungsamt\nGebührenbescheid Sondernutzung 2026\n"
        "Aktenzeichen: 32.1-2026-0042"
    ],
    "modified_after_signing": [
        "Stadt Lindenau - Kämmerei\nBescheid über Grundsteuer 2026\nBetrag: 412,00 EUR"
    ],
    "expired": ["Stadt Lindenau - Standesamt\nBescheinigung über die Namensführung\nAz. 34-2026-9"],
    "revoked": ["Stadt Lindenau - Sozialamt\nBewilligungsbescheid Wohngeld\nAz. 50-2026-311"],
    "untrusted": ["Fremde Stelle\nAngebliche Zahlungsaufforderung\nBitte überweisen Sie sofort."],
    "unsigned": ["Stadt Lindenau - Bürgerbüro\nMeldebescheinigung\nohne elektronische Signatur"],
    "brief": ["Stadt Lindenau - Rechtsamt\nSchreiben zum Widerspruch vom 3. März 2026"],
    "antrag": ["Antrag auf Erteilung einer Sondernutzungserlaubnis\nAntragsteller: Max Muster"],
    "encrypted_signed": ["Stadt Lindenau - Personalamt\nVertrauliche Personalsache\nAz. 11-2026-7"],
    "encrypted_owner_only": ["Stadt Lindenau - Kulturamt\nFörderbescheid Stadtfest 2026"],
    "malformed_signature": ["Stadt Lindenau - Tiefbauamt\nAnhörung Straßenausbaubeitrag 2026"],
    "brainpool": ["Rechtsanwaltskanzlei Brenner\nKlageerwiderung im Verfahren 3 K 112/26"],
    "brainpool_plain": ["Notariat Lindenau\nBeglaubigte Abschrift, qualifiziert signiert"],
    "legacy_sha1": ["Ingenieurbüro Alt\nStatische Berechnung, signiert mit Acrobat 7"],
    "vertrag": ["Pachtvertrag Kleingartenanlage Am Mühlbach\ngezeichnet von Pächter und Stadt"],
}


def write_letter_pdf(path: Path, pages: list[str]) -> Path:
    """Born-digital PDF with uncompressed page content, so a flipped byte stays parseable."""
    pdf = _new_pdf()
    pdf.compress = False
    for text in pages:
        _add_text_page(pdf, text)
    pdf.output(str(path))
    return path


def make_signer(pki: TestPki, name: str) -> signers.SimpleSigner:
    """pyHanko signer for one of the PKI's signers, its chain embedded in the signature."""
    entity = pki.signer(name)
    chain = [as_asn1_cert(cert) for cert in pki.chain(name)]
    return signers.SimpleSigner(
        signing_cert=as_asn1_cert(entity.cert),
        signing_key=as_asn1_key(entity),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def sign_pdf(
    source: Path,
    target: Path,
    signer: signers.SimpleSigner,
    *,
    field: str = "Signatur1",
    timestamper: TimeStamper | None = None,
    password: str | None = None,
) -> Path:
    """Add a PAdES baseline signature as a new incremental revision."""
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Elektronisch gezeichnet",
        location=LOCATION,
    )
    with source.open("rb") as infile, target.open("wb") as outfile:
        writer = IncrementalPdfFileWriter(infile, strict=False)
        if password is not None:
            writer.encrypt(password)
        signers.PdfSigner(meta, signer, timestamper=timestamper).sign_pdf(writer, output=outfile)
    return target


def add_document_timestamp(source: Path, target: Path, timestamper: TimeStamper) -> Path:
    """A later revision holding an RFC 3161 document timestamp, as archiving (LTA) adds."""
    with source.open("rb") as infile, target.open("wb") as outfile:
        writer = IncrementalPdfFileWriter(infile, strict=False)
        signers.PdfTimeStamper(timestamper).timestamp_pdf(
            writer, md_algorithm="sha256", output=outfile
        )
    return target


def replace_page_content(source: Path, target: Path) -> Path:
    """A later revision that swaps page 1's content stream: a real change, not a form fill."""
    text = "Bescheid über Grundsteuer 2026 - Betrag: 0,00 EUR (nachträglich geändert)"
    escaped = text.encode("cp1252").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = b"BT /EAkteF1 12 Tf 72 770 Td (" + escaped + b") Tj ET"
    with source.open("rb") as infile, target.open("wb") as outfile:
        writer = IncrementalPdfFileWriter(infile, strict=False)
        page_ref = writer.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        font = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
                generic.NameObject("/Encoding"): generic.NameObject("/WinAnsiEncoding"),
            }
        )
        resources = generic.DictionaryObject(
            {
                generic.NameObject("/Font"): generic.DictionaryObject(
                    {generic.NameObject("/EAkteF1"): writer.add_object(font)}
                )
            }
        )
        page[generic.NameObject("/Contents")] = writer.add_object(
            generic.StreamObject(stream_data=content)
        )
        page[generic.NameObject("/Resources")] = resources
        writer.update_container(page)
        writer.write(outfile)
    return target


def add_validation_data(source: Path, target: Path, pki: TestPki) -> Path:
    """A later revision with the DSS (certificates and CRLs), as LTV tools add it."""
    crls = [
        asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))
        for crl in pki.crls.values()
    ]
    context = ValidationContext(trust_roots=[as_asn1_cert(pki.root.cert)], crls=crls)
    with source.open("rb") as infile, target.open("wb") as outfile:
        signature = PdfFileReader(infile, strict=False).embedded_signatures[0]
        asyncio.run(async_add_validation_info(signature, context, output=outfile))
    return target


def reissue_page_resources(source: Path, target: Path) -> Path:
    """A later revision that writes page 1's /Resources again, unchanged, as a new
    object (some PDF tools do this on every save): the page looks exactly the same."""
    with source.open("rb") as infile, target.open("wb") as outfile:
        writer = IncrementalPdfFileWriter(infile, strict=False)
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        copy = generic.DictionaryObject(dict(page["/Resources"]))
        page[generic.NameObject("/Resources")] = writer.add_object(copy)
        writer.update_container(page)
        writer.write(outfile)
    return target


def flip_content_byte(source: Path, target: Path) -> Path:
    """Flip the low bit of one digit in the first text position (`BT x y Td`).

    The digit stays a digit, so the file parses and renders; only the signed hash breaks.
    """
    data = bytearray(source.read_bytes())
    match = re.search(rb"BT (\d+)\.\d+ \d+\.\d+ Td", data)
    if match is None:
        raise ValueError(f"no uncompressed text position in {source}")
    offset = match.start(1)
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    return target


def break_signature_contents(source: Path, target: Path) -> Path:
    """Overwrite the hex in /Contents with text that is not CMS, keeping every offset."""
    data = source.read_bytes()
    match = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", data)
    if match is None:
        raise ValueError(f"no signature /Contents in {source}")
    length = match.end(1) - match.start(1)
    junk = b"kein gueltiger CMS-Container ".hex().upper().encode()
    filler = (junk * (length // len(junk) + 1))[:length]
    target.write_bytes(data[: match.start(1)] + filler + data[match.end(1) :])
    return target


def blank_signature_contents(source: Path, target: Path) -> Path:
    """The zeros a signer reserves for a value it never wrote (signing abandoned)."""
    data = source.read_bytes()
    match = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", data)
    if match is None:
        raise ValueError(f"no signature /Contents in {source}")
    zeros = b"0" * (match.end(1) - match.start(1))
    target.write_bytes(data[: match.start(1)] + zeros + data[match.end(1) :])
    return target


def break_byte_range(source: Path, target: Path) -> Path:
    """Replace /ByteRange with overlapping ranges that run past the end of the file."""
    data = source.read_bytes()
    match = re.search(rb"/ByteRange\s*\[[0-9 ]+\] *", data)
    if match is None:
        raise ValueError(f"no signature /ByteRange in {source}")
    nonsense = b"/ByteRange [0 99999999 5 7]"
    width = match.end() - match.start()
    if len(nonsense) > width:
        raise ValueError(f"/ByteRange in {source} too short to overwrite in place")
    target.write_bytes(data[: match.start()] + nonsense.ljust(width) + data[match.end() :])
    return target


def as_plain_ecdsa(source: Path, target: Path) -> Path:
    """The same ECDSA signature with its value in BSI TR-03111 plain format (r‖s) under
    ecdsa-plain-SHA256, as German signature cards write it; the signed bytes stay."""
    data = source.read_bytes()
    match = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", data)
    if match is None:
        raise ValueError(f"no signature /Contents in {source}")
    width = match.end(1) - match.start(1)
    info = cms.ContentInfo.load(bytes.fromhex(match.group(1).decode()))  # zero padding ok
    signer = info["content"]["signer_infos"][0]
    r, s = decode_dss_signature(signer["signature"].native)
    size = 32  # brainpoolP256r1
    signer["signature"] = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    signer["signature_algorithm"] = {"algorithm": ECDSA_PLAIN_SHA256}
    hexed = info.dump(force=True).hex().upper().encode().ljust(width, b"0")
    target.write_bytes(data[: match.start(1)] + hexed + data[match.end(1) :])
    return target


def as_pkcs7_sha1(source: Path, target: Path, signer: signers.SimpleSigner) -> Path:
    """The file's last signature rewritten in the legacy adbe.pkcs7.sha1 format (Acrobat
    before version 8): the CMS container encapsulates the SHA-1 digest of the signed
    byte range instead of signing the bytes' digest directly."""
    data = bytearray(source.read_bytes())
    subfilter = data.rindex(b"/SubFilter /ETSI.CAdES.detached")
    old = b"/SubFilter /ETSI.CAdES.detached"
    data[subfilter : subfilter + len(old)] = b"/SubFilter /adbe.pkcs7.sha1".ljust(len(old))
    ranges = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", data))
    start, first, second, length = (int(x) for x in ranges[-1].groups())
    signed = bytes(data[start : start + first] + data[second : second + length])
    digest = hashlib.sha1(signed, usedforsecurity=False).digest()
    container = asyncio.run(signer.async_sign_general_data(digest, "sha1", detached=False))
    contents = list(re.finditer(rb"/Contents\s*<([0-9A-Fa-f]+)>", data))[-1]
    width = contents.end(1) - contents.start(1)
    data[contents.start(1) : contents.end(1)] = (
        container.dump().hex().upper().encode().ljust(width, b"0")
    )
    target.write_bytes(bytes(data))
    return target


def retype_document_timestamp(source: Path, target: Path, timestamper: TimeStamper) -> Path:
    """The file's last document timestamp with its dictionary typed /Sig instead of
    /DocTimeStamp (some signing tools write it so), stamped again over the new bytes."""
    data = bytearray(source.read_bytes())
    old = b"/Type /DocTimeStamp"
    at = data.rindex(old)
    data[at : at + len(old)] = b"/Type /Sig".ljust(len(old))
    ranges = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", data))
    start, first, second, length = (int(x) for x in ranges[-1].groups())
    digest = hashlib.sha256(bytes(data[start : start + first] + data[second : second + length]))
    token = asyncio.run(timestamper.async_timestamp(digest.digest(), "sha256"))
    contents = list(re.finditer(rb"/Contents\s*<([0-9A-Fa-f]+)>", data))[-1]
    width = contents.end(1) - contents.start(1)
    data[contents.start(1) : contents.end(1)] = (
        token.dump().hex().upper().encode().ljust(width, b"0")
    )
    target.write_bytes(bytes(data))
    return target


def break_timestamp_imprint(source: Path, target: Path) -> Path:
    """Change one hex digit of the digest inside the last document timestamp's token:
    the timestamp no longer matches the document, the signature before it is untouched."""
    data = source.read_bytes()
    ranges = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", data))
    start, first, second, length = (int(x) for x in ranges[-1].groups())
    imprint = hashlib.sha256(data[start : start + first] + data[second : second + length])
    hexed = imprint.hexdigest().upper().encode()
    at = data.rindex(hexed)
    flipped = b"0" if data[at : at + 1] != b"0" else b"1"
    target.write_bytes(data[:at] + flipped + data[at + 1 :])
    return target


def sign_cades_by_several(pki: TestPki, data: bytes, names: list[str]) -> bytes:
    """One enveloping CMS container signed by each of ``names`` (several SignerInfos),
    as countersigned contracts and Italian .p7m files are."""
    infos = [
        asyncio.run(
            make_signer(pki, name).async_sign_general_data(
                data, "sha256", detached=False, use_cades=True
            )
        )
        for name in names
    ]
    combined = infos[0]
    signed = combined["content"]
    signed["signer_infos"] = cms.SignerInfos([info["content"]["signer_infos"][0] for info in infos])
    certificates = {cert.dump(): cert for info in infos for cert in info["content"]["certificates"]}
    signed["certificates"] = cms.CertificateSet(list(certificates.values()))
    return bytes(combined.dump(force=True))


def encrypt_pdf(source: Path, target: Path, *, user_password: str) -> Path:
    """AES-256 encryption; an empty user password means "opens without asking"."""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password=OWNER_PASSWORD, algorithm="AES-256")
    with target.open("wb") as outfile:
        writer.write(outfile)
    return target


def sign_cades(pki: TestPki, data: bytes, *, detached: bool) -> bytes:
    """CAdES-BES (signing-certificate-v2 among the signed attributes) in DER."""
    signer = make_signer(pki, "valid")
    content_info = asyncio.run(
        signer.async_sign_general_data(data, "sha256", detached=detached, use_cades=True)
    )
    return bytes(content_info.dump())


def make_signature_corpus(folder: Path, pki: TestPki, base_url: str) -> dict[str, Path]:
    """Build every case under `folder`; the TSA at `base_url` must be running.

    Returns the files by file name ("valid.pdf", "brief.pdf.p7s", "antrag.pdf.p7m", ...);
    `folder` holds exactly these files, nothing else.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eakte-unsigned-") as work:
        corpus = _build_cases(folder, Path(work), pki, base_url)
    return {path.name: path for path in corpus.values()}


def _build_cases(folder: Path, base: Path, pki: TestPki, base_url: str) -> dict[str, Path]:
    """The cases by short name; intermediate files go to `base`, which the caller discards."""

    def letter(case: str) -> Path:
        return write_letter_pdf(base / f"{case}.pdf", TEXTS[case])

    def out(case: str) -> Path:
        return folder / f"{case}.pdf"

    corpus: dict[str, Path] = {}
    corpus["unsigned"] = write_letter_pdf(out("unsigned"), TEXTS["unsigned"])
    for case in ("valid", "expired", "revoked", "untrusted", "qualified"):
        corpus[case] = sign_pdf(letter(case), out(case), make_signer(pki, case))
    corpus["byte_flipped"] = flip_content_byte(corpus["valid"], out("byte_flipped"))

    timestamper = HTTPTimeStamper(f"{base_url}/tsa")
    corpus["valid_timestamp"] = sign_pdf(
        letter("valid_timestamp"),
        out("valid_timestamp"),
        make_signer(pki, "valid"),
        timestamper=timestamper,
    )
    corpus["document_timestamp"] = add_document_timestamp(
        corpus["valid_timestamp"], out("document_timestamp"), timestamper
    )
    with_dss = add_validation_data(corpus["valid"], base / "valid_dss.pdf", pki)
    corpus["ltv_timestamped"] = add_document_timestamp(
        with_dss, out("ltv_timestamped"), timestamper
    )
    stamped = add_document_timestamp(corpus["valid"], base / "stamped.pdf", timestamper)
    corpus["timestamp_typed_sig"] = retype_document_timestamp(
        stamped, out("timestamp_typed_sig"), timestamper
    )
    corpus["timestamp_broken"] = break_timestamp_imprint(stamped, out("timestamp_broken"))
    corpus["resources_reissued"] = reissue_page_resources(
        corpus["valid"], out("resources_reissued")
    )
    first = sign_pdf(letter("two_signatures"), base / "two_first.pdf", make_signer(pki, "valid"))
    corpus["two_signatures"] = sign_pdf(
        first, out("two_signatures"), make_signer(pki, "valid2"), field="Signatur2"
    )
    signed = sign_pdf(
        letter("modified_after_signing"), base / "modified.pdf", make_signer(pki, "valid")
    )
    corpus["modified_after_signing"] = replace_page_content(signed, out("modified_after_signing"))
    signed = sign_pdf(
        letter("malformed_signature"), base / "malformed.pdf", make_signer(pki, "valid")
    )
    corpus["malformed_signature"] = break_signature_contents(signed, out("malformed_signature"))
    corpus["malformed_byterange"] = break_byte_range(signed, out("malformed_byterange"))
    corpus["signature_placeholder"] = blank_signature_contents(signed, out("signature_placeholder"))

    encrypted = encrypt_pdf(
        letter("encrypted_signed"), base / "encrypted.pdf", user_password=PASSWORD
    )
    corpus["encrypted_signed"] = sign_pdf(
        encrypted, out("encrypted_signed"), make_signer(pki, "valid"), password=PASSWORD
    )
    encrypted = encrypt_pdf(letter("encrypted_owner_only"), base / "owner.pdf", user_password="")
    corpus["encrypted_owner_only"] = sign_pdf(
        encrypted, out("encrypted_owner_only"), make_signer(pki, "valid"), password=""
    )

    brief = write_letter_pdf(out("brief"), TEXTS["brief"])
    corpus["brief"] = brief
    corpus["brief.p7s"] = folder / "brief.pdf.p7s"
    corpus["brief.p7s"].write_bytes(sign_cades(pki, brief.read_bytes(), detached=True))
    vertrag = letter("vertrag").read_bytes()
    corpus["vertrag.p7m"] = folder / "vertrag.pdf.p7m"
    corpus["vertrag.p7m"].write_bytes(sign_cades_by_several(pki, vertrag, ["valid", "valid2"]))
    first = sign_pdf(letter("legacy_sha1"), base / "legacy_first.pdf", make_signer(pki, "valid"))
    second = sign_pdf(first, base / "legacy_second.pdf", make_signer(pki, "valid2"), field="Alt")
    corpus["legacy_sha1"] = as_pkcs7_sha1(second, out("legacy_sha1"), make_signer(pki, "valid2"))
    corpus["brainpool"] = sign_pdf(
        letter("brainpool"), out("brainpool"), make_signer(pki, "brainpool")
    )
    signed = sign_pdf(letter("brainpool_plain"), base / "plain.pdf", make_signer(pki, "brainpool"))
    corpus["brainpool_plain"] = as_plain_ecdsa(signed, out("brainpool_plain"))
    antrag = letter("antrag").read_bytes()
    corpus["antrag.p7m"] = folder / "antrag.pdf.p7m"
    corpus["antrag.p7m"].write_bytes(sign_cades(pki, antrag, detached=False))
    return corpus


def write_signed_samples(out_dir: Path) -> tuple[Path, Path]:
    """For the README demo: a signed Bescheid, a copy tampered after signing, and the
    demo PKI's trust anchor and CRLs in ``out_dir/.pki`` (hidden, so not ingested).

    Built once: signatures carry the signing time, so a second run would add records."""
    pki_dir = out_dir / ".pki"
    trust_dir, crl_dir = pki_dir / "trust", pki_dir / "crl"
    signed = out_dir / "bescheid_signiert.pdf"
    if signed.exists() and trust_dir.is_dir():
        return trust_dir, crl_dir
    pki = build_test_pki(pki_dir, port=9)  # no server: the demo validates offline
    with tempfile.TemporaryDirectory() as scratch:
        letter = write_letter_pdf(Path(scratch) / "bescheid.pdf", TEXTS["valid"])
        sign_pdf(letter, signed, make_signer(pki, "valid"))
    flip_content_byte(signed, out_dir / "bescheid_manipuliert.pdf")
    return pki.trust_dir, pki.crl_dir
