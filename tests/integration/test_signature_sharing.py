"""Sharing the difference analysis between the signatures of one PDF
(``signatures.sharing``, issue 14 item 7) changes no finding: on real files with many
signatures, one edited after signing, the findings are those of pyHanko's unshared
default policy, field for field, and the shared lookups answer as pyHanko's own.

Real-world files come from bench/signatures/realworld_manifest.json (sha256-checked).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY

import signatures.pades as pades
from bench.signatures.realworld_corpus import fetch
from signatures.sharing import share_dependencies, share_revision_lookups
from signatures.trust import TrustConfig, load_trust_config

pytestmark = pytest.mark.integration

VALIDATION = "dss-pades/validation/"
MANY = [
    "51sigs.pdf",
    "hello_signed_INCSAVE_signed_EDITED.pdf",  # changed after the signatures
    "muestra-firmado-firmado.pdf",
]


@pytest.fixture(scope="module")
def corpus() -> Path:
    return fetch()


@pytest.fixture(scope="module")
def trust() -> TrustConfig:
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    return load_trust_config(None, None, "offline", 10.0)


@pytest.mark.parametrize("name", MANY)
def test_shared_analysis_finds_what_the_unshared_one_finds(
    corpus: Path, trust: TrustConfig, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = corpus / VALIDATION / name
    shared = pades.validate_pdf(path, trust)
    monkeypatch.setattr(pades, "SHARED_DIFF_POLICY", DEFAULT_DIFF_POLICY)
    unshared = pades.validate_pdf(path, trust)
    assert len(shared) > 1
    assert [f.modification_level for f in shared] == [f.modification_level for f in unshared]
    assert [(f.indication, f.sub_indication) for f in shared] == [
        (f.indication, f.sub_indication) for f in unshared
    ]
    assert shared == unshared  # every other field too


def test_a_file_edited_after_signing_still_shows_it(corpus: Path, trust: TrustConfig) -> None:
    """The sharing must not hide a change: the edited file's first signature still
    has modifications pyHanko does not allow."""
    path = corpus / VALIDATION / "hello_signed_INCSAVE_signed_EDITED.pdf"
    findings = pades.validate_pdf(path, trust)
    assert any(f.modifications_allowed is False for f in findings)


@pytest.mark.parametrize("name", ["muestra-firmado-firmado.pdf", MANY[1]])
def test_shared_lookups_answer_as_pyhanko(corpus: Path, name: str) -> None:
    """Every revision's dependencies of its new objects, from every older boundary,
    and every object's introducing revision, as pyHanko computes them unshared."""
    path = corpus / VALIDATION / name
    with open(path, "rb") as plain_file, open(path, "rb") as shared_file:
        plain = PdfFileReader(plain_file, strict=False)
        shared = PdfFileReader(shared_file, strict=False)
        share_revision_lookups(shared)
        revisions = plain.xrefs.total_revisions
        assert revisions > 3
        compared = 0
        for revision in range(revisions):
            old = plain.get_historical_resolver(revision)
            new = shared.get_historical_resolver(revision)
            share_dependencies(new)
            refs = sorted(plain.xrefs.explicit_refs_in_revision(revision), key=lambda r: r.idnum)
            for ref in refs:
                assert shared.xrefs.get_introducing_revision(
                    ref
                ) == plain.xrefs.get_introducing_revision(ref)
                for since in (None, *range(revision + 1)):
                    expected = old.collect_dependencies(old.get_object(ref), since_revision=since)
                    found = new.collect_dependencies(new.get_object(ref), since_revision=since)
                    assert {(r.idnum, r.generation) for r in found} == {
                        (r.idnum, r.generation) for r in expected
                    }
                    compared += len(expected)
        assert compared > 0
