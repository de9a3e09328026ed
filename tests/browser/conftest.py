"""Browser tests' fixtures: a live Parley server (tests/support/live_server.py) and Chromium.

Chromium is Debian's (scripts/browser.sh installs it), driven by Playwright's Python client; Playwright's own
browser download is never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.live_server import LiveServer, serve

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Parley with the demo shop on a free localhost port."""
    yield from serve(tmp_path_factory.mktemp("live"))


# As the machine's probe starts it: without the background-networking flags Chromium keeps dialling Google.
_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_TIMEOUT_MS = 10_000  # generous: the suite shares two cores

# Records every text the newest agent bubble showed, so the test can tell a streamed reply from one that
# appeared whole.
_RECORD_PARTIALS = """
window.__agentTexts = [];
new MutationObserver(() => {
  const bubbles = document.querySelectorAll('#log .msg.agent');
  const last = bubbles[bubbles.length - 1];
  if (last && window.__agentTexts[window.__agentTexts.length - 1] !== last.textContent) {
    window.__agentTexts.push(last.textContent);
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=_CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(_TIMEOUT_MS)
    expect.set_options(timeout=_TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(_RECORD_PARTIALS)
    yield page
    context.close()
