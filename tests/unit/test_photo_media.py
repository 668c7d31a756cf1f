"""Photographs: told from pages by sniffing, described by their metadata, and found
again when copied (rescaled, recompressed, lighter, cropped) — on images the test makes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from eakte import media_types
from eakte.indexing import index_document
from eakte.record import Manifest
from ingest.image_hashes import group, image_hashes, near_duplicates
from ingest.photo_metadata import describe, read_metadata
from ingest.photo_renditions import DEEP_ZOOM, THUMBNAIL, photo_renditions
from ingest.sniff import sniff_file
from samples.render import render_scan
from tests.photos import jpeg_bytes, photo_image, variants, with_metadata

LETTER = (
    "Stadtverwaltung Musterstadt\nBauamt\n\nSehr geehrte Damen und Herren,\n"
    "hiermit beantrage ich die Genehmigung zum Bau einer Garage.\n"
    "Mit freundlichen Grüßen\nErika Mustermann"
)


def _sniff(data: bytes) -> str:
    return sniff_file(io.BytesIO(data))


def test_a_photo_is_sniffed_as_photo_and_a_scanned_letter_as_a_page() -> None:
    assert _sniff(jpeg_bytes(photo_image(1))) == media_types.photo(media_types.JPEG)
    letter = render_scan(LETTER, angle=1.0, noise=0.2, seed=3)
    assert _sniff(jpeg_bytes(letter, quality=85)) == media_types.JPEG
    png = io.BytesIO()
    letter.save(png, format="PNG")
    assert _sniff(png.getvalue()) == media_types.PNG


def test_a_letter_photographed_with_camera_exif_is_still_a_page() -> None:
    """Camera EXIF does not make a photo: a phone photographing a letter writes it too."""
    letter = render_scan(LETTER, dpi=200, angle=-2.0, noise=0.3, seed=5).convert("RGB")
    data = with_metadata(
        jpeg_bytes(letter), {"Exif.Image.Make": "Apple", "Exif.Image.Model": "iPhone 12"}, {}, {}
    )
    assert _sniff(data) == media_types.JPEG


def test_a_blank_image_stays_a_page() -> None:
    blank = Image.new("L", (1000, 1400), 250)
    assert _sniff(jpeg_bytes(blank)) == media_types.JPEG


def test_exif_iptc_and_xmp_are_read(tmp_path: Path) -> None:
    data = with_metadata(
        jpeg_bytes(photo_image(4)),
        {
            "Exif.Image.Make": "Leica",
            "Exif.Image.Model": "M3",
            "Exif.Photo.DateTimeOriginal": "1958:07:14 10:00:00",
            "Exif.GPSInfo.GPSLatitudeRef": "S",
            "Exif.GPSInfo.GPSLatitude": "33/1 52/1 0/1",
            "Exif.GPSInfo.GPSLongitudeRef": "W",
            "Exif.GPSInfo.GPSLongitude": "70/1 30/1 0/1",
        },
        {
            "Iptc.Application2.Caption": "Einweihung der Rheinbrücke",
            "Iptc.Application2.Keywords": ["Brücke", "Fest"],
        },
        {
            "Xmp.dc.creator": ["Anna Schmidt"],
            "Xmp.dc.rights": {'lang="x-default"': "Stadtarchiv, CC BY 4.0"},
            "Xmp.dc.subject": ["Rhein"],
        },
    )
    path = tmp_path / "bruecke.jpg"
    path.write_bytes(data)
    found = read_metadata(path)
    assert found["caption"] == "Einweihung der Rheinbrücke"
    assert found["creator"] == "Anna Schmidt"
    assert found["copyright"] == "Stadtarchiv, CC BY 4.0"
    assert found["camera"] == "Leica M3"
    assert found["taken_at"] == "1958-07-14T10:00:00"
    assert found["gps"] == {"lat": -33.866667, "lon": -70.5}
    assert found["keywords"] == ["Rhein", "Brücke", "Fest"]  # XMP first, then IPTC


def test_a_file_without_metadata_has_none(tmp_path: Path) -> None:
    path = tmp_path / "plain.jpg"
    path.write_bytes(jpeg_bytes(photo_image(6)))
    assert read_metadata(path) == {}
    assert describe({"Exif.Photo.DateTimeOriginal": "0000:00:00 00:00:00"}) == {}


def test_copies_are_near_duplicates_and_an_unrelated_photo_is_not() -> None:
    original = photo_image(7)
    hashes = image_hashes(original)
    for name, data in variants(original).items():
        copy = image_hashes(Image.open(io.BytesIO(data)))
        assert near_duplicates(hashes, copy), name
    for seed in (8, 9, 10):
        assert not near_duplicates(hashes, image_hashes(photo_image(seed)))


def test_groups_link_copies_and_leave_unrelated_photos_out() -> None:
    first, second = photo_image(11), photo_image(12)
    items = [("a", image_hashes(first)), ("z", image_hashes(second))]
    items += [
        (f"a-{n}", image_hashes(Image.open(io.BytesIO(d)))) for n, d in variants(first).items()
    ]
    items.append(("kaputt", {"phash": "nicht hex"}))
    assert group(items) == [sorted(["a", *(f"a-{n}" for n in variants(first))])]


def test_renditions_are_a_thumbnail_and_deep_zoom_tiles(tmp_path: Path) -> None:
    path = tmp_path / "gross.jpg"
    path.write_bytes(jpeg_bytes(photo_image(13, size=(2000, 1200))))
    made = photo_renditions(path)
    with Image.open(io.BytesIO(made[THUMBNAIL])) as thumbnail:
        assert max(thumbnail.size) == 512
    assert b'Width="2000"' in made[DEEP_ZOOM] and b'Height="1200"' in made[DEEP_ZOOM]
    tiles = [name for name in made if name.startswith("preview_files/")]
    top = max(int(name.split("/")[1]) for name in tiles)
    assert len([n for n in tiles if n.startswith(f"preview_files/{top}/")]) == 8 * 5
    assert path.read_bytes() == jpeg_bytes(photo_image(13, size=(2000, 1200)))


def test_the_index_view_carries_media_facets_and_words() -> None:
    media = {
        "kind": "Foto",
        "caption": "Marktplatz mit Straßenbahn",
        "creator": "Hans Müller",
        "camera": "Canon EOS 5D",
        "taken_at": "1987-06-05T14:30:00",
        "keywords": ["Rathaus", "Rathaus", "Brunnen"],
        "tags": ["Straße"],
    }
    manifest = Manifest(
        id="x", sha256="x", size=1, original_filename="m.jpg", fields={"media": media}
    )
    doc = index_document(manifest)
    assert doc.media_facets() == {
        "medium": ["Foto"],
        "camera": ["Canon EOS 5D"],
        "creator": ["Hans Müller"],
        "year": ["1987"],
        "subjects": ["Rathaus", "Brunnen"],
        "tags": ["Straße"],
    }
    assert "Marktplatz mit Straßenbahn" in doc.keywords and "Brunnen" in doc.keywords


@pytest.mark.parametrize("kind", sorted(media_types.PHOTOS))
def test_every_photo_type_has_a_handler(kind: str) -> None:
    from eakte.settings import Settings
    from eakte.wiring import build_handlers

    assert build_handlers(Settings()).for_type(kind).name == "photo"


def test_search_can_collapse_copies_to_the_best_ranked(tmp_path: Path) -> None:
    from eakte import records
    from eakte.cli_media import collapse_duplicates
    from eakte.ports import SearchHit, SearchResult
    from storage.filesystem import FilesystemStore

    store = FilesystemStore(tmp_path / "store")
    picture = photo_image(14)
    copy = Image.open(io.BytesIO(variants(picture)["verkleinert"]))
    hashed = {
        "a": image_hashes(picture),
        "b": image_hashes(photo_image(15)),
        "c": image_hashes(copy),
    }
    for record_id, hashes in hashed.items():
        fields = {"image_hashes": hashes}
        manifest = Manifest(
            id=record_id, sha256=record_id, size=1, original_filename="f", fields=fields
        )
        records.save_manifest(store, manifest)
    hits = [SearchHit(i, 1.0, None, "") for i in ("c", "b", "a", "brief")]
    collapsed = collapse_duplicates(SearchResult(total=9, hits=hits), store)
    assert [hit.id for hit in collapsed.hits] == ["c", "b", "brief"]
    assert collapsed.total == 8
