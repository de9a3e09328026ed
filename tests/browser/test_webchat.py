"""The web chat page in headless Chromium: a visitor asks, watches the reply stream in, reloads, keeps the chat."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import CHROMIUM, LiveServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: run scripts/browser.sh"),
]


def test_a_visitor_sees_the_reply_stream_in_and_keeps_the_chat_after_a_reload(
    live_server: LiveServer, page: Page
) -> None:
    question = "is HB-M8x40-88Z in stock, and what does it cost?"
    page.goto(f"{live_server.base_url}/chat")
    expect(page.locator("#log .note")).to_contain_text("Hello!")

    page.fill("#text", question)
    page.click("#send")

    reply = page.locator("#log .msg.agent").last
    expect(page.locator("#log .msg.customer")).to_have_text([question])
    expect(reply).to_contain_text("HB-M8x40-88Z")
    # A streamed reply is marked as being written until the stored message replaces it.
    expect(reply).not_to_have_class(re.compile(r"\bwriting\b"))
    answer = reply.text_content()
    # The demo catalog: box of 50 at 8.50 EUR, 372 boxes on hand.
    assert "Hex bolt DIN 933 M8 x 40" in answer
    assert "372" in answer and "in stock" in answer
    assert re.search(r"\b8\.50\b", answer), answer
    partials = page.evaluate("window.__agentTexts")
    grew = [text for text in partials if text not in ("…", answer) and answer.startswith(text)]
    assert len(grew) >= 2, f"the reply did not stream in: {partials}"

    page.reload()
    expect(page.locator("#log .msg")).to_have_count(2)
    expect(page.locator("#log .msg.customer")).to_have_text([question])
    expect(page.locator("#log .msg.agent")).to_have_text([answer])
    expect(page.locator("#log .note")).to_have_count(0)


@pytest.fixture
def shop_site(live_server: LiveServer) -> Iterator[str]:
    """Another site (``localhost``, not ``127.0.0.1``) whose page embeds the widget from the live server."""
    body = (
        "<!doctype html><title>A shop</title><h1>A shop</h1>"
        f'<script src="{live_server.base_url}/chat/widget.js" data-business="demo"></script>'
    ).encode()

    class ShopPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), ShopPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_widget_opens_the_chat_on_another_site_and_keeps_it_across_a_reload(
    shop_site: str, page: Page
) -> None:
    question = "do you have ball bearing BR-6305-ZZ?"
    page.goto(shop_site)
    frame = page.locator("iframe[title=Chat]")
    chat = page.frame_locator("iframe[title=Chat]")
    expect(frame).to_be_hidden()

    page.get_by_role("button", name="Chat with us").click()
    expect(frame).to_be_visible()
    expect(chat.locator("#log .note")).to_contain_text("Hello!")
    chat.locator("#text").fill(question)
    chat.locator("#send").click()
    expect(chat.locator("#log .msg.agent")).to_contain_text(["BR-6305-ZZ"])
    expect(chat.locator("#log .msg.agent")).to_contain_text(["out of stock"])
    expect(chat.locator("#send")).to_be_enabled()

    page.reload()
    page.get_by_role("button", name="Chat with us").click()
    expect(chat.locator("#log .msg")).to_have_count(2)
    expect(chat.locator("#log .msg.customer")).to_have_text([question])
