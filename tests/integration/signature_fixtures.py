"""Session fixtures for signature tests: the test PKI, its servers, and the signed corpus.

A plain module rather than conftest so that only the tests that need a PKI pay for it;
import the three fixtures by name into the test module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from samples.pki import TestPki, build_test_pki
from samples.pki_server import free_port, serve_pki
from samples.signed import make_signature_corpus


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return build_test_pki(tmp_path_factory.mktemp("pki"), port=free_port())


@pytest.fixture(scope="session")
def pki_server(pki: TestPki) -> Iterator[str]:
    """Base URL of the running CRL, OCSP and TSA server."""
    with serve_pki(pki) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def signature_corpus(
    pki: TestPki, pki_server: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    return make_signature_corpus(tmp_path_factory.mktemp("signed"), pki, pki_server)
