"""The local stack (`make run`) on a free port, shared by the end-to-end tests, and for the
browser tests: Debian's chromium driven by Playwright (no browser download), a screenshot helper
and an axe-core check."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AXE = ROOT / "portal" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def stack():
    yield from started_stack()


def started_stack(settings: dict | None = None):
    """Start the local stack (with these GC_* settings, if any), yield (url, process), stop it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GC_"))} | {"PORT": str(port)}
    env |= settings or {}
    proc = subprocess.Popen([sys.executable, "-m", "scripts.local_stack"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/banks", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the local stack did not start:\n" + proc.stdout.read())
            time.sleep(0.2)
    yield url, proc
    if proc.poll() is None:
        proc.kill()


# ---- the browser ------------------------------------------------------------------------------
def browser_missing() -> str | None:
    """What the browser tests lack on this machine, or None."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} (apt-get install chromium fonts-wqy-zenhei, as root; `make test` does it)"
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout.lower()
    if "wqy" not in fonts and "noto sans cjk" not in fonts:
        return "a CJK font (apt-get install fonts-wqy-zenhei, as root; `make test` does it)"
    if not (ROOT / "chalicelib" / "_portal" / "index.html").is_file() or not AXE.is_file():
        return "the built portal and axe-core (make portal)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = browser_missing()
    if missing:
        pytest.skip(f"browser tests skipped: this machine lacks {missing}")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, stack):
    """A fresh browser tab on the portal at desktop width, Chinese; every request it makes is kept
    in `page.requests` (URLs) to show none leaves the site."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN", base_url=stack[0])
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    yield tab
    context.close()


def screenshot(page, name: str, lang: str, width: str) -> Path:
    """`tests/e2e/screenshots/<name>-<lang>-<desktop|phone>.png` of the whole page as it is now."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(VIEWPORTS[width])
    path = SCREENSHOTS / f"{name}-{lang}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def set_language(page, lang: str) -> None:
    """The header's switch, used as a person would (it shows the other language's name)."""
    if page.evaluate("document.documentElement.lang").startswith("zh") != (lang == "zh"):
        page.get_by_role("button", name="English" if lang == "en" else "中文").click()
    page.wait_for_function(f"document.documentElement.lang.startsWith('{'zh' if lang == 'zh' else 'en'}')")


def screenshots_in_both_languages(page, name: str) -> None:
    """The page in zh and en, at desktop and phone width; axe checks it once per language (the
    widths change the layout, not the markup or colours axe reads). Back to zh, desktop after."""
    for lang in ("zh", "en"):
        set_language(page, lang)
        assert_accessible(page, f"{name}-{lang}")
        for width in VIEWPORTS:
            screenshot(page, name, lang, width)
    set_language(page, "zh")
    page.set_viewport_size(VIEWPORTS["desktop"])


def assert_accessible(page, where: str) -> None:
    """axe-core (WCAG 2.0/2.1 A and AA rules) finds no serious or critical violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the debugging protocol: the page's CSP (no inline script) stays on
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    bad = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{where}: axe finds " + "; ".join(bad)
