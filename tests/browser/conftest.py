"""Browser tests: the session's app served on a free port, driven through Debian's chromium.

Playwright's own browser download is never used (`playwright install` fails on these
machines). Without /usr/bin/chromium the tests are skipped, or fail when
DUTYDESK_REQUIRE_BROWSER=1 (as CI sets it). The live server talks to the database through
its own sessions, so a test must commit the data it creates before the browser acts.
"""

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Every test under tests/browser is a browser test."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    """The session's app on 127.0.0.1 and a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = (f"{CHROMIUM} is missing: run `make browser` "
                   "(or `apt-get install -y chromium`) to run the browser tests")
        if os.environ.get("DUTYDESK_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) per test, with relative URLs on the live server.

    Any error the page logs to the console (a script that failed, a Content-Security-Policy
    refusal), and any stylesheet, script or image that fails to load, fails the test. A page
    itself may answer 403 or 404 when the test means it to.
    """
    context = browser.new_context(base_url=live_server, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document" else None)
    yield page
    context.close()
    assert errors == [], f"the browser console reported errors: {errors}"


@pytest.fixture
def quick_refresh(app):
    """Refresh every second rather than every 15, so the test need not wait."""
    before = app.config["BOARD_REFRESH_SECONDS"]
    app.config["BOARD_REFRESH_SECONDS"] = 1
    yield
    app.config["BOARD_REFRESH_SECONDS"] = before


def check_accessibility(page) -> None:
    """Fail with axe's report if the page as it stands has any accessibility violation."""
    results = Axe().run(page)
    assert results.violations_count == 0, (
        f"axe found {results.violations_count} accessibility violation(s) on {page.url}:\n"
        f"{results.generate_report()}")
