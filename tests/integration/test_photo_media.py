"""Photos, audio and video through the real CLI: stored, described, searchable and never
quarantined for having no text; copies grouped by `eakte duplikate`; a scanned letter
beside them still read by Tesseract. Everything is made by the test (Pillow, exiv2,
ffmpeg)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from eakte import media_types
from eakte.settings import Settings
from eakte.wiring import build_store
from samples.render import render_scan
from search.tantivy_index import TantivyIndex
from tests.conftest import Cli, CliResult
from tests.photos import jpeg_bytes, photo_image, variants, with_metadata

EXIF = {
    "Exif.Image.Make": "Canon",
    "Exif.Image.Model": "EOS 5D",
    "Exif.Photo.DateTimeOriginal": "1987:06:05 14:30:00",
    "Exif.GPSInfo.GPSLatitudeRef": "N",
    "Exif.GPSInfo.GPSLatitude": "49/1 0/1 3600/100",
    "Exif.GPSInfo.GPSLongitudeRef": "E",
    "Exif.GPSInfo.GPSLongitude": "8/1 24/1 0/1",
}
IPTC = {
    "Iptc.Application2.Caption": "Marktplatz mit Straßenbahn",
    "Iptc.Application2.Keywords": ["Straßenbahn", "Rathaus"],
    "Iptc.Application2.Copyright": "Stadtarchiv Musterstadt",
}
XMP = {"Xmp.dc.creator": ["Hans Müller"], "Xmp.dc.subject": ["Brunnen"]}
PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"
LETTER = (
    "Stadtverwaltung Musterstadt\nBauamt\n\nSehr geehrte Damen und Herren,\n"
    "hiermit beantrage ich die Genehmigung zum Bau einer Garage.\n"
    "Mit freundlichen Grüßen\nErika Mustermann"
)


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("medien")
    picture = photo_image(1)
    (folder / "markt.jpg").write_bytes(with_metadata(jpeg_bytes(picture), EXIF, IPTC, XMP))
    for name, data in variants(picture).items():
        (folder / f"markt_{name}.jpg").write_bytes(data)
    (folder / "anderes.jpg").write_bytes(jpeg_bytes(photo_image(2)))
    # a real photograph (scikit-image's astronaut, tests/data/photos/README.md): one face
    (folder / "astronautin.jpg").write_bytes((PHOTOS / "skimage-astronaut.jpg").read_bytes())
    (folder / "ohne_angaben.png").write_bytes(_png(photo_image(3)))
    (folder / "brief.jpg").write_bytes(jpeg_bytes(render_scan(LETTER, angle=1.0, noise=0.2)))
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=10",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        str(folder / "film.mp4"),
    )  # fmt: skip
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1.5", str(folder / "ton.wav"))
    return folder


def _png(image: Image.Image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def ingested(inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, CliResult]:
    cli = Cli(data_dir=tmp_path_factory.mktemp("medien-data") / "data", env={})
    return cli, cli("ingest", inbox, "--json")


def _records(ingested: tuple[Cli, CliResult]) -> dict[str, dict[str, Any]]:
    cli, result = ingested
    by_name = {Path(line["path"]).name: line for line in result.json_lines()}
    return {
        name: cli("show", line["id"], "--json").json()
        for name, line in by_name.items()
        if line["status"] != "duplicate"
    }


def test_every_medium_is_stored_none_quarantined(ingested: tuple[Cli, CliResult]) -> None:
    _, result = ingested
    assert result.returncode == 0, result.stderr
    lines = result.json_lines()
    assert len(lines) == 11
    assert {line["status"] for line in lines} == {"stored"}


def test_photo_metadata_is_in_the_manifest(ingested: tuple[Cli, CliResult]) -> None:
    photo = _records(ingested)["markt.jpg"]
    assert photo["media_type"] == media_types.photo(media_types.JPEG)
    media = photo["fields"]["media"]
    assert media["caption"] == "Marktplatz mit Straßenbahn"
    assert media["creator"] == "Hans Müller"
    assert media["copyright"] == "Stadtarchiv Musterstadt"
    assert media["camera"] == "Canon EOS 5D"
    assert media["taken_at"] == "1987-06-05T14:30:00"
    assert media["gps"] == {"lat": 49.01, "lon": 8.4}
    assert set(media["keywords"]) == {"Straßenbahn", "Rathaus", "Brunnen"}
    assert media["faces"] == 0 and media["content_model"]  # described, no one in it
    assert [page["source"] for page in photo["pages"]] == ["text_layer"]  # never OCRed
    assert {"thumbnail.jpg", "preview.dzi"} <= set(photo["renditions"])


def test_photo_is_found_by_caption_keyword_and_creator(ingested: tuple[Cli, CliResult]) -> None:
    cli, result = ingested
    photo_id = next(
        line["id"] for line in result.json_lines() if line["path"].endswith("/markt.jpg")
    )
    for query in ("Straßenbahn", "Marktplatz", "Rathaus", "Brunnen", "Müller", "Canon"):
        found = cli("search", query, "--json").json()
        assert [hit["id"] for hit in found["hits"]] == [photo_id], query


def test_media_facets_and_filters(ingested: tuple[Cli, CliResult]) -> None:
    cli, _ = ingested
    index = TantivyIndex(cli.data_dir / "index")
    facets = index.facets("Marktplatz")
    assert facets["medium"] == {"Foto": 1}
    assert facets["creator"] == {"Hans Müller": 1}
    assert facets["year"] == {"1987": 1}
    assert facets["subjects"] == {"Straßenbahn": 1, "Rathaus": 1, "Brunnen": 1}
    assert index.search("", filters={"medium": "Foto"}).total == 8  # 7 made, 1 real
    assert index.search("", filters={"medium": "Video"}).total == 1
    assert index.search("", filters={"medium": "Ton"}).total == 1
    assert "medium" not in index.facets("Garage")  # a letter search shows no photo facets


def test_what_a_photo_shows_is_in_the_manifest_and_searchable(
    ingested: tuple[Cli, CliResult],
) -> None:
    """The shipped models (media/vision.py) describe every photo as it is taken in."""
    cli, _ = ingested
    records = _records(ingested)
    person = records["astronautin.jpg"]["fields"]["media"]
    assert person["faces"] == 1 and "Personen" in person["tags"], person
    assert person["content_model"]
    assert "content_note" not in person
    assert records["brief.jpg"]["fields"].get("media", {}).get("tags") is None  # a letter
    found = cli("search", "Personen", "--json").json()
    assert records["astronautin.jpg"]["id"] in {hit["id"] for hit in found["hits"]}


def test_photo_without_metadata_or_text_is_a_stored_record(
    ingested: tuple[Cli, CliResult],
) -> None:
    plain = _records(ingested)["ohne_angaben.png"]
    assert plain["status"] == "stored"
    assert plain["media_type"] == media_types.photo(media_types.PNG)
    assert plain["fields"]["media"]["kind"] == "Foto"
    assert plain["errors"] == []


def test_scanned_letter_is_still_read_by_ocr(ingested: tuple[Cli, CliResult]) -> None:
    letter = _records(ingested)["brief.jpg"]
    assert letter["media_type"] == media_types.JPEG
    assert letter["pages"][0]["source"] == "ocr"
    assert "Garage" in letter["pages"][0]["text"]
    assert "media" not in letter["fields"]


def test_video_and_audio_carry_technical_metadata(ingested: tuple[Cli, CliResult]) -> None:
    records = _records(ingested)
    video = records["film.mp4"]["fields"]["media"]
    assert video["kind"] == "Video"
    assert video["duration"] == pytest.approx(3.0, abs=0.2)
    assert (video["video_codec"], video["audio_codec"]) == ("h264", "aac")
    assert (video["width"], video["height"]) == (320, 240)
    assert {"preview.jpg", "thumbnail.jpg"} <= set(records["film.mp4"]["renditions"])
    audio = records["ton.wav"]["fields"]["media"]
    assert audio["kind"] == "Ton"
    assert audio["duration"] == pytest.approx(1.5, abs=0.1)
    assert audio["audio_codec"].startswith("pcm_")
    assert records["ton.wav"]["renditions"] == {}


def test_renditions_are_stored_and_the_original_untouched(
    ingested: tuple[Cli, CliResult], inbox: Path, tmp_path: Path
) -> None:
    cli, result = ingested
    photo_id = next(
        line["id"] for line in result.json_lines() if line["path"].endswith("/markt.jpg")
    )
    store = build_store(Settings(data_dir=cli.data_dir))
    tiles = list(store.list_derived(f"renditions/{photo_id}/preview_files"))
    assert len(tiles) > 6  # levels 0..11 of a 1200×800 picture, the top one in 5×4 tiles
    frame = store.get_derived(f"renditions/{photo_id}/preview.jpg")
    assert frame is None  # a photo has no video frame
    assert cli("get", photo_id, "-o", tmp_path / "back.jpg").returncode == 0
    assert (tmp_path / "back.jpg").read_bytes() == (inbox / "markt.jpg").read_bytes()


def test_duplikate_lists_the_copies_and_not_the_other_photos(
    ingested: tuple[Cli, CliResult],
) -> None:
    cli, result = ingested
    names = {line["id"]: Path(line["path"]).name for line in result.json_lines()}
    listed = cli("duplikate", "--json").json()
    assert listed["photos"] == 8
    groups = [{names[entry["id"]] for entry in group} for group in listed["groups"]]
    assert groups == [{"markt.jpg", *(f"markt_{n}.jpg" for n in variants(photo_image(1)))}]
    text = cli("duplikate")
    assert "Gruppe 1 (5 Fotos):" in text.stdout
    assert "eine Gruppe ähnlicher Fotos unter 8 Fotos" in text.stderr
