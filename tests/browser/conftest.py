"""Harness for real-browser tests: headless Debian Chromium driven by Playwright.

Tests here take the `page` fixture and the pytest-django `live_server`. They skip,
with a message saying why, only where Chromium is absent; `.ci/run` installs it.
Screenshots go to test-artifacts/ (and into docs/ where a test says so).

Pages run under the app's Content-Security-Policy (no eval): give `page.wait_for_function` a function
("() => ..."), not a bare expression, which Playwright would eval in the page. Any CSP violation or console
error fails the test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.accessibility import assert_accessible

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls that tests make
# between browser steps are still synchronous, so Django's async-safety guard is relaxed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: `apt-get install chromium` (the CI script does this).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # The machine has no outside network: keep Chromium from trying to reach Google's services.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Recorded on every document before its own scripts run, read back at teardown: a Content-Security-Policy
# violation fails the test even where the browser only logs it.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


def csp_violations(page) -> list[str]:
    """The CSP violations recorded on the page's current document (none if it isn't ours, e.g. about:blank)."""
    try:
        return page.evaluate("window.__cspViolations || []")
    except Exception:
        return []


def _is_console_error(message) -> bool:
    # A 4xx answer to an htmx request is expected (a 422 form re-rendered with its errors); Chromium logs it.
    return message.type == "error" and not message.text.startswith("Failed to load resource")


@pytest.fixture
def page(browser, request) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: _is_console_error(message) and errors.append(f"console: {message.text}"))
    yield page
    call = getattr(request.node, "rep_call", None)  # absent when the test's setup failed
    if call is not None and call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    elif call is not None and page.url != "about:blank":
        # Every test's last page state is audited too, so no state a test reaches goes unchecked.
        assert_accessible(page, f"end of {request.node.name}")
    violations = csp_violations(page)
    context.close()
    if any(error.startswith("console: htmx:sendAbort") for error in errors):
        # An htmx request cut short by the test moving to another page (a quiz autosave in flight) is logged by
        # htmx as an error with its afterRequest; neither is the app's fault. A failed response still shows.
        aborted = ("console: htmx:sendAbort", "console: htmx:afterRequest")
        errors = [error for error in errors if not error.startswith(aborted)]
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot in test-artifacts/ (README pictures are copied from there into docs/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
