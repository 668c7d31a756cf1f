"""The web UI in a real browser: Debian's Chromium, driven by Playwright, against a real
`eakte serve` (embedded: tantivy, local store, SQLite). Each scenario is what one
person does; each of the four main pages is checked with axe-core (no serious or
critical violation) and photographed (into docs/screenshots/ for the README with
``EAKTE_SCREENSHOTS=docs/screenshots``)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect

from eakte.record import local_day
from samples import capture
from tests.integration.ui_fixtures import (
    PASSWORD,
    SCREENSHOTS,
    SIGNED,
    UiServer,
    axe_source,
    browser,
    log_in,
    serious_violations,
    set_password,
    ui_server,
)
from tests.integration.web_fixtures import add_user, assign

pytestmark = pytest.mark.integration
__all__ = ["browser", "ui_server"]  # fixtures


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


@pytest.fixture
def csp_errors() -> Iterator[list[str]]:
    """Console messages about the Content-Security-Policy: none may appear (an inline
    script or style the policy blocked would be a broken page)."""
    errors: list[str] = []
    yield errors
    assert errors == []


def _watch(page: Page, errors: list[str]) -> None:
    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            errors.append(message.text)

    page.on("console", seen)


def _follow(page: Page, target: Locator) -> None:
    """Click and wait for the page it leads to (no time limit: the server may be OCRing);
    the test then checks where it landed, so a refusal fails instead of waiting."""
    with page.expect_navigation():
        target.click()


def _drop_files(page: Page, target: str, files: list[Path]) -> None:
    """Drop files on ``target`` as a file manager would: a drop event carrying them."""
    payload = [(path.name, base64.b64encode(path.read_bytes()).decode()) for path in files]
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, data] of files) {
                const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name));
            }
            return transfer;
        }""",
        payload,
    )
    page.dispatch_event(target, "dragover", {"dataTransfer": transfer})
    page.dispatch_event(target, "drop", {"dataTransfer": transfer})


def _check_page(page: Page, axe: str, name: str) -> None:
    """axe-core finds nothing serious; the screenshot goes to ``SCREENSHOTS``."""
    assert serious_violations(page, axe) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_mailroom_uploads_a_scan_batch_sees_its_letters_and_corrects_a_type(
    browser: Browser, ui_server: UiServer, axe: str, csp_errors: list[str], tmp_path: Path
) -> None:
    batch = tmp_path / "stapel.pdf"
    spans = capture.write_scan_batch(batch, seed=11)
    page = log_in(browser, ui_server, "post")
    _watch(page, csp_errors)
    assert page.url.endswith("/posteingang")
    _drop_files(page, "#upload-form", [batch, ui_server.files["rechnung.pdf"]])
    assert page.locator("#dateien-gewaehlt").inner_text() == (
        "2 Dateien gewählt: stapel.pdf, rechnung.pdf"
    )
    _follow(page, page.get_by_role("button", name="Hochladen und erfassen"))
    assert "/posteingang?sendung=" in page.url, page.locator("main").inner_text()
    # the capture runs in the background; htmx refreshes the Sendung until it is done
    page.get_by_text("Erfasst: 2 von 2 Dateien").wait_for(timeout=0)

    rows = page.locator("table.eakte-batch tbody tr")
    assert rows.count() == len(spans) + 1  # three letters and the invoice (a duplicate)
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert sorted(c[1] for c in cells if c[0] == "stapel.pdf") == [
        *("Seite 4", "Seite 7", "Seiten 1–2")
    ]
    assert [c[2] for c in cells if c[0] == "rechnung.pdf"] == ["schon vorhanden"]
    _check_page(page, axe, "posteingang")

    second = rows.filter(has_text="Seite 4")
    letter_id = (second.locator("form").get_attribute("action") or "").rsplit("/", 1)[-1]
    second.get_by_label("Dokumenttyp").select_option(label="Rechnung")
    second.get_by_label("Abteilung").fill("kaemmerei")
    batch_url = page.url
    second.get_by_role("button", name="Speichern").click()  # htmx: the row alone comes back
    type_cells = page.locator("table.eakte-batch tbody tr td:nth-child(4)")
    type_cells.filter(has_text="Rechnung").wait_for()
    corrected = page.locator("table.eakte-batch tbody tr").filter(has_text="Seite 4")
    assert corrected.locator("td").nth(3).inner_text() == "Rechnung"
    assert page.url == batch_url and rows.count() == len(spans) + 1  # no reload, one row
    shown = ui_server.cli("show", letter_id, "--json").json()
    assert shown["classification"]["type"] == "rechnung"
    assert shown["classification"]["corrected"] is True
    assert shown["assigned_department"] == "kaemmerei"

    # the sender, subject and date are folded away in the same form
    last = page.locator("table.eakte-batch tbody tr").filter(has_text="Seite 7")
    last_id = (last.locator("form").get_attribute("action") or "").rsplit("/", 1)[-1]
    last.get_by_text("Absender, Betreff, Datum").click()
    last.get_by_label("Absender").fill("Zaunkönig GmbH")
    last.get_by_label("Datum des Schreibens").fill("2026-11-30")
    last.get_by_role("button", name="Speichern").click()
    swapped = page.locator("table.eakte-batch tbody tr").filter(has_text="Seite 7")
    expect(swapped.get_by_label("Absender")).to_have_value("Zaunkönig GmbH", timeout=0)
    fields = ui_server.cli("show", last_id, "--json").json()["fields"]
    assert fields["sender"] == "Zaunkönig GmbH" and fields["letter_date"] == "2026-11-30"
    page.context.close()


def test_an_archivist_searches_filters_by_a_facet_and_opens_a_result(
    browser: Browser, ui_server: UiServer, axe: str, csp_errors: list[str]
) -> None:
    page = log_in(browser, ui_server, "archiv")
    _watch(page, csp_errors)
    page.get_by_label("Suchbegriff").fill("Stadt")
    _follow(page, page.get_by_role("button", name="Suchen"))
    assert page.url.endswith("/suche?q=Stadt&eingang_von=&eingang_bis=")  # fields left empty
    status = page.locator("#treffer-titel").inner_text()
    total = int(status.split()[0])
    assert total >= 3
    assert page.locator(".eakte-snippet mark").count() >= 1  # our own highlight, escaped
    _check_page(page, axe, "suche")

    facets = page.get_by_role("complementary", name="Filter")
    _follow(page, facets.get_by_role("link", name="kaemmerei"))
    assert "abteilung=kaemmerei" in page.url
    filtered = int(page.locator("#treffer-titel").inner_text().split()[0])
    assert 0 < filtered < total
    hits = page.locator(".eakte-hit h3 a")
    assert hits.count() == filtered
    title = hits.first.inner_text()
    _follow(page, hits.first)
    assert "/dokumente/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert "kaemmerei" in page.locator(".kern-description-list").first.inner_text()
    # an archivist views, but only clerks download
    assert page.get_by_role("link", name="Original herunterladen").count() == 0
    page.context.close()


def _hit_count(page: Page) -> int:
    return int(page.locator("#treffer-titel").inner_text().split()[0])


def test_a_clerk_narrows_by_the_day_of_receipt_and_the_year_without_javascript(
    browser: Browser, ui_server: UiServer, axe: str, csp_errors: list[str]
) -> None:
    """The date fields and the Jahr facet work by plain form and links; every link
    keeps the range; a range that runs backwards is explained at the fields."""
    shown = ui_server.cli("show", ui_server.ids[SIGNED], "--json").json()
    day = local_day(datetime.fromisoformat(shown["received_at"]))
    page = log_in(browser, ui_server, "bau", javascript=False)
    page.goto("/suche")
    page.get_by_label("Eingang von").fill(day.isoformat())
    page.get_by_label("Eingang bis").fill(day.isoformat())
    _follow(page, page.get_by_role("button", name="Suchen"))
    assert f"eingang_von={day}&eingang_bis={day}" in page.url
    total = _hit_count(page)
    assert total >= 1
    assert SIGNED in page.locator(".eakte-hit-list").inner_text()
    assert "rechnung.pdf" not in page.content()  # the kaemmerei's: not for this clerk
    facets = page.get_by_role("complementary", name="Filter")
    year = facets.get_by_role("link", name=str(day.year))
    assert facets.get_by_text("Jahr", exact=True).is_visible()
    _follow(page, year)
    assert f"jahr={day.year}" in page.url and f"eingang_von={day}" in page.url
    assert _hit_count(page) == total
    assert page.get_by_label("Eingang von").input_value() == day.isoformat()  # kept

    page.get_by_label("Eingang bis").fill((day - timedelta(days=1)).isoformat())
    _follow(page, page.get_by_role("button", name="Suchen"))  # the year stays chosen
    assert f"jahr={day.year}" in page.url
    assert page.get_by_role("alert").inner_text() == "„Eingang bis“ liegt vor „Eingang von“."
    assert page.get_by_label("Eingang bis").get_attribute("aria-invalid") == "true"
    page.get_by_label("Eingang von").fill(f"{day.year - 1}-01-01")
    page.get_by_label("Eingang bis").fill(f"{day.year - 1}-12-31")
    _follow(page, page.get_by_role("button", name="Suchen"))
    assert page.locator("#treffer-titel").inner_text().startswith("0 Treffer")
    page.context.close()

    checked = log_in(browser, ui_server, "bau")  # axe needs scripts: the same pages
    _watch(checked, csp_errors)
    checked.goto(f"/suche?eingang_von={day}&eingang_bis={day}")
    assert _hit_count(checked) == total
    _check_page(checked, axe, "suche-eingang")
    checked.goto(f"/suche?eingang_von={day}&eingang_bis={day - timedelta(days=1)}")
    assert serious_violations(checked, axe) == []
    checked.context.close()


def test_a_clerk_downloads_a_signed_original_and_its_pruefprotokoll(
    browser: Browser, ui_server: UiServer, axe: str, csp_errors: list[str], tmp_path: Path
) -> None:
    record_id = ui_server.ids[SIGNED]
    page = log_in(browser, ui_server, "bau")
    _watch(page, csp_errors)
    page.goto("/suche?q=Abfallgebühren")
    _follow(page, page.get_by_role("link", name=SIGNED))
    assert page.url.endswith(f"/dokumente/{record_id}")
    assert page.locator("#urteil").inner_text() == "Die Signatur ist gültig."
    assert "Unterzeichner" in page.get_by_role("region", name="Signatur").inner_text()
    assert page.locator("#sha256").inner_text() == record_id
    _check_page(page, axe, "dokument")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Original herunterladen").click()
    original = download_info.value
    assert original.suggested_filename == SIGNED
    saved = tmp_path / "original.pdf"
    original.save_as(saved)
    data = saved.read_bytes()
    assert hashlib.sha256(data).hexdigest() == record_id
    assert data == ui_server.files[SIGNED].read_bytes()

    with page.expect_download() as report_info:
        page.get_by_role("link", name="Prüfprotokoll (PDF)").click()
    report = tmp_path / "pruefprotokoll.pdf"
    report_info.value.save_as(report)
    document = pdfium.PdfDocument(report)
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    document.close()
    assert "Prüfprotokoll" in text and record_id[:12] in text
    page.context.close()


def test_a_clerk_of_another_department_gets_neither_the_hit_nor_the_document(
    browser: Browser, ui_server: UiServer, csp_errors: list[str]
) -> None:
    record_id = ui_server.ids[SIGNED]
    page = log_in(browser, ui_server, "kasse")
    _watch(page, csp_errors)
    page.goto("/suche?q=Abfallgebühren")
    assert page.locator("#treffer-titel").inner_text().startswith("0 Treffer")
    assert record_id not in page.content()
    forbidden = page.goto(f"/dokumente/{record_id}")
    assert forbidden is not None and forbidden.status == 404
    forbidden_text = page.locator("main").inner_text()
    missing = page.goto(f"/dokumente/{'f' * 64}")
    assert missing is not None and missing.status == 404
    assert page.locator("main").inner_text() == forbidden_text
    assert "Kein Dokument mit dieser Kennung." in forbidden_text
    download = page.request.get(f"/dokumente/{record_id}/original")
    assert download.status == 404 and download.body() != ui_server.files[SIGNED].read_bytes()
    page.context.close()


def test_a_clerk_opens_an_akte_files_a_dokument_into_it_and_closes_it(
    browser: Browser, ui_server: UiServer, axe: str, csp_errors: list[str]
) -> None:
    add_user(ui_server.cli, "recht", "clerk", "Amt 30 – Rechtsamt")
    set_password(ui_server.cli, "recht", PASSWORD)
    record_id = ui_server.ids["brief_widerspruch.pdf"]
    assign(
        ui_server.client,
        ui_server.tokens["post"],
        record_id,
        {"department": "Amt 30 – Rechtsamt"},
    )
    page = log_in(browser, ui_server, "recht")
    _watch(page, csp_errors)
    _follow(page, page.get_by_role("navigation", name="Hauptnavigation").get_by_text("Akten"))
    assert page.get_by_text("Keine Akten.").is_visible()
    page.get_by_label("Aktenplanposition").select_option("030.4")
    page.get_by_label("Titel (Betreff)").fill("Widerspruch Müllgebühren")
    _follow(page, page.get_by_role("button", name="Akte anlegen"))
    heading = page.get_by_role("heading", level=1).inner_text()
    aktenzeichen = heading.split(" – ")[0]
    assert aktenzeichen.startswith("030.4-") and page.locator("#status").inner_text() == "offen"
    _check_page(page, axe, "akte")

    page.goto(f"/dokumente/{record_id}")
    assert page.locator("#abgelegt-in").inner_text() == "Noch in keiner Akte."
    page.get_by_label("Aktenzeichen").fill(aktenzeichen.replace("-", " – "))  # as typed
    _follow(page, page.get_by_role("button", name="In Akte ablegen"))
    assert page.locator("#abgelegt-in").inner_text() == f"In Akte {aktenzeichen}"
    _follow(page, page.locator("#abgelegt-in").get_by_role("link", name=aktenzeichen))
    assert page.locator("#dokumente").get_by_role("link", name="brief_widerspruch.pdf").count()

    _follow(page, page.get_by_role("button", name="Akte schließen (zdA)"))
    assert page.locator("#status").inner_text() == "geschlossen"
    assert page.get_by_text("Aufzubewahren bis").is_visible()
    # no TSA in this test: the history says why the Akte has no evidence record
    assert (
        "kein Beweisdatensatz (recht): Kein Beweisdatensatz erstellt: kein Zeitstempeldienst"
        in (page.locator(".eakte-events").last.inner_text())
    )
    page.goto("/akten?status=closed")
    assert page.locator("#akten").get_by_role("link", name=aktenzeichen).count() == 1
    _check_page(page, axe, "akten")

    other = log_in(browser, ui_server, "bau")  # another department: like a missing Akte
    forbidden = other.goto(f"/akten/{aktenzeichen}")
    assert forbidden is not None and forbidden.status == 404
    assert "Keine Akte mit diesem Aktenzeichen." in other.locator("main").inner_text()
    other.context.close()
    page.context.close()


def test_an_admin_sees_users_and_roles_and_exports_the_audit_trail(
    browser: Browser, ui_server: UiServer, axe: str, csp_errors: list[str], tmp_path: Path
) -> None:
    page = log_in(browser, ui_server, "admin")
    _watch(page, csp_errors)
    assert page.url.endswith("/verwaltung")
    table = page.get_by_role("table").inner_text()
    for name, role in (("bau", "Sachbearbeitung"), ("archiv", "Archiv"), ("post", "Posteingang")):
        assert name in table and role in table
    _check_page(page, axe, "verwaltung")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Protokoll herunterladen (JSON-Zeilen)").click()
    exported = tmp_path / "protokoll.jsonl"
    download_info.value.save_as(exported)
    actions = exported.read_text(encoding="utf-8")
    assert '"action":"login"' in actions.replace(" ", "")
    page.context.close()


def test_the_login_page_passes_axe_and_works_by_keyboard(
    browser: Browser, ui_server: UiServer, axe: str, csp_errors: list[str]
) -> None:
    context = browser.new_context(base_url=ui_server.base_url, locale="de-DE")
    context.set_default_timeout(0)
    page = context.new_page()
    _watch(page, csp_errors)
    page.goto("/anmelden")
    assert serious_violations(page, axe) == []
    assert page.evaluate("document.activeElement.id") == "benutzer"  # autofocus
    page.keyboard.type("archiv")
    page.keyboard.press("Tab")
    page.keyboard.type("Korrekt-Pferd-Batterie")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/suche")
    page.keyboard.press("Tab")  # on every page the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # from the main landmark on: the search field
    assert page.evaluate("document.activeElement.id") == "q"
    context.close()
