"""The web UI as a person meets it, for the browser tests: `eakte serve` as a real
process over records ingested by the real CLI (the README samples and a signed
Bescheid with its demo PKI), users made by `eakte users add` with passwords set by
`eakte users password`, and Debian's Chromium driven by Playwright.

A plain module rather than conftest: import the fixtures by name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from samples.render import make_text_pdf
from samples.signed import write_signed_samples
from tests.conftest import REPO, Cli
from tests.integration.web_fixtures import add_user, api_server, assign

CHROMIUM = Path("/usr/bin/chromium")
# the README's pictures are refreshed only when asked (EAKTE_SCREENSHOTS=docs/screenshots):
# a test run must not change tracked files
SCREENSHOTS = Path(
    os.environ.get("EAKTE_SCREENSHOTS") or Path(tempfile.gettempdir()) / "eakte-screenshots"
)
SIGNED = "bescheid_signiert.pdf"
# a letter whose text is markup: the pages must show it as text
MARKUP = "markup.pdf"
MARKUP_TEXT = (
    "Stadt Lindenau\nBetreff: Antrag Zaunbau <script>alert('x')</script>\n"
    "<img src=x onerror=alert(1)> Flurstück «12» & <mark>Zaunbau</mark> genehmigen"
)
PASSWORD = "Korrekt-Pferd-Batterie"
# user name → (role, departments)
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "post": ("mailroom", ()),
    "bau": ("clerk", ("bauamt",)),
    "kasse": ("clerk", ("kaemmerei",)),
    "archiv": ("archivist", ()),
    "admin": ("admin", ()),
}
# sample file → department the mailroom assigns
ASSIGNED = {
    "brief_widerspruch.pdf": "bauamt",
    "brief_bauantrag.pdf": "bauamt",
    SIGNED: "bauamt",
    MARKUP: "bauamt",
    "rechnung.pdf": "kaemmerei",
    "brief_gemeinderat.pdf": "kaemmerei",
}


@dataclass(frozen=True)
class UiServer:
    base_url: str
    client: httpx.Client
    ids: dict[str, str]  # file name → record id
    files: dict[str, Path]
    data_dir: Path
    cli: Cli
    env: dict[str, str]  # the server's settings
    tokens: dict[str, str]  # user name → API token


def set_password(cli: Cli, name: str, password: str) -> None:
    """`eakte users password NAME --stdin`, as an operator's script would run it."""
    done = subprocess.run(
        [sys.executable, "-m", "eakte", "users", "password", name, "--stdin"],
        input=password + "\n",
        capture_output=True,
        text=True,
        env=_environ(cli),
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert password not in done.stdout + done.stderr


def _environ(cli: Cli) -> dict[str, str]:
    return {
        **os.environ,
        "EAKTE_MODEL_CACHE_DIR": str(cli.data_dir.parent / "no-models"),
        **cli.env,
        "EAKTE_DATA_DIR": str(cli.data_dir),
    }


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Iterator[UiServer]:
    tmp = tmp_path_factory.mktemp("ui")
    post = tmp / "post"
    post.mkdir()
    for name in ASSIGNED:
        if name not in (SIGNED, MARKUP):
            shutil.copyfile(sample_dir / name, post / name)
    make_text_pdf(post / MARKUP, [MARKUP_TEXT])
    trust_dir, crl_dir = write_signed_samples(post)
    (post / "bescheid_manipuliert.pdf").unlink()
    trust = {"EAKTE_TRUST_DIR": str(trust_dir), "EAKTE_CRL_DIR": str(crl_dir)}
    cli = Cli(data_dir=tmp / "data", env=trust)
    ingested = cli("ingest", post, "--json")
    assert ingested.returncode == 0, ingested.stderr
    ids = {Path(line["path"]).name: line["id"] for line in ingested.json_lines()}
    tokens = {name: add_user(cli, name, role, *deps) for name, (role, deps) in USERS.items()}
    for name in USERS:
        set_password(cli, name, PASSWORD)
    env = {
        **trust,
        "EAKTE_DATA_DIR": str(cli.data_dir),
        "EAKTE_MODEL_CACHE_DIR": str(tmp / "no-models"),
        "EAKTE_AUTH_FAILURES_PER_MINUTE": "1000",
        "EAKTE_SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback
    }
    with api_server(env, tmp / "server.log") as client:
        for name, department in ASSIGNED.items():
            assign(client, tokens["post"], ids[name], {"department": department})
        files = {name: post / name for name in ids}
        yield UiServer(str(client.base_url), client, ids, files, cli.data_dir, cli, env, tokens)


@pytest.fixture(scope="module")
def browser(ui_server: UiServer) -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright never downloads a browser of its own.
    After the server: Playwright's sync API runs an event loop, and pyHanko's signing
    of the sample Bescheid needs to start its own."""
    if not CHROMIUM.is_file():
        pytest.fail("Chromium fehlt: apt-get install chromium (scripts/setup.sh)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--lang=de-DE"],
            env={**os.environ, "LANGUAGE": "de"},  # German texts (chromium-l10n)
        )
        yield launched
        launched.close()


def log_in(browser: Browser, server: UiServer, user: str, javascript: bool = True) -> Page:
    """A fresh browser context (its own cookies) logged in through the form; without
    ``javascript`` as a browser that runs none (the pages must work so too)."""
    context = browser.new_context(
        base_url=server.base_url,
        locale="de-DE",
        accept_downloads=True,
        viewport={"width": 1280, "height": 960},
        java_script_enabled=javascript,
    )
    context.set_default_timeout(0)  # no time limits: OCR of a scan batch takes its time
    page = context.new_page()
    page.goto("/anmelden")
    page.get_by_label("Benutzername").fill(user)
    page.get_by_label("Passwort").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden").click()
    assert "/anmelden" not in page.url, page.content()
    return page


def axe_source() -> str:
    """axe-core from npm at the pinned version, fetched once into the cache."""
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "vendor_assets.sh"), "axe"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip()).read_text(encoding="utf-8")


def serious_violations(page: Page, axe: str) -> list[str]:
    """What axe-core finds of impact serious or critical on the page as it is now."""
    page.evaluate(axe)  # through DevTools: the page's CSP rightly forbids inline scripts
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(result)
