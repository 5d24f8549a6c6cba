"""nkreader serve in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright logs in, codes a sentence with the keyboard, and saves a screenshot.

Skipped, with the reason, when no Chromium is installed (``apt-get install chromium``) or
Playwright is missing; Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from served import add_coder, served

from reader.store import Store

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)"
)


def _wait_for(db: Path, query: str, page: object, timeout: float = 90.0) -> None:
    """Wait until ``query`` finds a row in the database (polled: the browser cannot say)."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(db) as conn:
            if conn.execute(query).fetchone():
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing for {query!r} after {timeout} s")
        time.sleep(0.1)


def test_a_browser_logs_in_and_codes_with_the_keyboard(
    db_path: Path, store: Store, tmp_path: Path
) -> None:
    """Chromium opens the page, types the name and password, codes the first sentence with
    a, enter, 1, enter; the code is in the database as the coder's; a screenshot is saved
    (kept in the test's temporary folder; ``NKREADER_SCREENSHOT=PATH`` copies it there)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    store.close()
    add_coder(db_path, "alice", "alice-pw")
    shot = tmp_path / "served-reader.png"
    with served(db_path) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            # Only the server is reached (the page also names a web font elsewhere).
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(url) else route.abort()
                ),
            )
            page.goto(url, wait_until="domcontentloaded")
            # The terminal draws on a canvas, so the proof of each step is the database; the
            # first byte from the reader is its login screen.
            page.wait_for_selector("body.-first-byte", timeout=90_000)
            page.focus("textarea.xterm-helper-textarea")
            page.keyboard.type("alice")
            page.keyboard.press("Tab")
            page.keyboard.type("alice-pw")
            page.keyboard.press("Enter")
            _wait_for(db_path, "SELECT 1 FROM events WHERE action = 'login'", page)
            for key in ("a", "Enter", "1", "Enter"):  # keys typed ahead apply in order
                page.keyboard.press(key)
            _wait_for(db_path, "SELECT 1 FROM annotations", page)
            page.wait_for_timeout(500)  # the frame that shows the code
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT annotator FROM annotations").fetchall() == [("alice",)]
    assert shot.stat().st_size > 10_000
    if keep := os.environ.get("NKREADER_SCREENSHOT"):
        shutil.copyfile(shot, keep)
