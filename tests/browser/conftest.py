"""Browser tests: Playwright driving Debian's Chromium (headless) against `govinspect serve`.

The package starts one world (see world.py): the simulated province with its repairable front,
the platform server with its users and the province registered, and one browser. Each test
opens its own browser context (no shared cookies) and creates the rows it needs through the
pages, so any test can run alone or in any order.

Without Chromium or the playwright package the tests skip, saying why; CI sets
GOVINSPECT_REQUIRE_BROWSER=1, which turns that skip into a failure.

Screenshots of the main pages go to $GOVINSPECT_SCREENSHOTS (docs/screenshots/make.py sets it to
docs/screenshots) or else to a temporary directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.world import PASSWORD, PlatformServer, RepairableFront, run_cli

CHROMIUM = os.environ.get("GOVINSPECT_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}
AS_OF = "2024-06-15"  # the simulated province's monitoring time

# Accounts the world is given with `govinspect admin create-user` (one per role in use).
USERS = {
    "admin": ("admin", None, ()),
    "moni": ("supervisor", "990000", ()),          # the simulated province's inspector
    "baoji": ("supervisor", "610300", ()),         # 宝鸡市's inspector, for the registry import
    "swj_baiquan": ("owner", None, ("9901020003",)),  # 白泉县商务局, owner of one site
}


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install '.[dev]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    """Skip the browser tests, with the reason, when there is no browser to drive; in CI
    (GOVINSPECT_REQUIRE_BROWSER=1) that is an error instead, so they can never silently not run."""
    reason = _browser_missing()
    if reason is None:
        return
    if os.environ.get("GOVINSPECT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GOVINSPECT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests need a browser: {reason}")


@dataclass
class World:
    """Everything a walk needs: the platform, the province, the engine's results."""

    platform: PlatformServer
    front: RepairableFront
    province: Any
    sandbox_port: int
    work: Path
    admin_token: str
    results: dict[str, Path] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.platform.base_url

    def site_id(self, site_code: str) -> int:
        """The platform's id of a registered site (from the REST API, as a script would ask)."""
        rows = self.platform.api(f"sites/?site_code={site_code}", self.admin_token)["results"]
        assert len(rows) == 1, rows
        return int(rows[0]["id"])

    def inspect(self, site_code: str) -> Path:
        """results.json of `govinspect inspect` run on one simulated site (once per run)."""
        if site_code not in self.results:
            from govinspect.sandbox.truth import resolve_args, sites_csv

            out = self.work / f"inspect-{site_code}"
            lines = sites_csv(self.province).splitlines()
            sites = self.work / f"sites-{site_code}.csv"
            sites.write_text("\n".join([lines[0], *(ln for ln in lines[1:] if ln.startswith(site_code + ","))]) + "\n",
                             "utf-8")
            # No politeness delay: the province is our own server on loopback, not a county's.
            resolves = [a for r in resolve_args(self.province, self.sandbox_port) for a in ("--resolve", r)]
            run_cli("inspect", "--sites", str(sites), "--as-of", AS_OF, "--offline", "--allow-private", *resolves,
                    "--delay", "0", "--per-host", "4", "--out", str(out), "--quiet")
            self.results[site_code] = out / "results.json"
        return self.results[site_code]


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The province, its front and the platform server with users (once for tests/browser)."""
    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.server import run_in_thread
    from govinspect.sandbox.truth import resolve_args

    work = tmp_path_factory.mktemp("browser-world")
    province = build_province(seed=1, n_sites=12)
    sandbox = run_in_thread(province)
    front = RepairableFront(sandbox.port).start()
    # Re-checks reach the province's hosts through the front (the platform's --resolve).
    platform = PlatformServer(work / "data", work / "serve.log", resolve_args(province, front.port))
    try:
        platform.start()
        platform.cli("admin", "load-sandbox", "--sites", "12", "--seed", "1")
        for name, (role, region, sites) in USERS.items():
            args = ["admin", "create-user", name, "--role", role]
            if region:
                args += ["--region", region]
            for code in sites:
                args += ["--site", code]
            platform.cli(*args)
        token = platform.cli("admin", "token", "admin").strip()
        yield World(platform, front, province, sandbox.port, work, token)
    finally:
        platform.stop()
        front.stop()
        sandbox.stop()


@pytest.fixture(scope="package")
def browser(world: World) -> Iterator[Any]:
    """Debian's Chromium, headless (Playwright never downloads a browser here).

    Package scope, not session: while Playwright's sync API is open, the main thread counts as
    running an asyncio loop, and the rest of the suite (asyncio.run in many tests) must not see it.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # The browser's own strings (the file chooser's 选择文件) in Chinese, as users see them; they
        # come from Debian's chromium-l10n when it is installed, English otherwise. LANGUAGE picks
        # them; LANG stays a locale every Debian has (an ungenerated zh_CN.UTF-8 would make
        # Chromium read non-ASCII file names, and so the uploads, wrongly).
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--lang=zh-CN"],
                                      env={**os.environ, "LANGUAGE": "zh_CN", "LANG": "C.UTF-8"})
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Any, world: World) -> Iterator[Callable[[], Any]]:
    """Open a page in a fresh browser context (its own cookies): one per person in a walk."""
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(viewport=VIEWPORT, base_url=world.base_url, locale="zh-CN",
                                      timezone_id="Asia/Shanghai", accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $GOVINSPECT_SCREENSHOTS, or a temporary directory."""
    wanted = os.environ.get("GOVINSPECT_SCREENSHOTS")
    path = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def shot(shots_dir: Path) -> Callable[[Any, str], Path]:
    """shot(page, name): the viewport (1280×800) as NAME.png, once the page has settled."""

    def take(page: Any, name: str) -> Path:
        page.wait_for_load_state("networkidle")
        # The top of the page, no field focused: what a person sees on arriving.
        page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
        path = shots_dir / f"{name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        assert path.stat().st_size > 5_000, f"{name}.png looks blank"
        return path

    return take


@pytest.fixture
def login(new_page: Callable[[], Any]) -> Callable[[str], Any]:
    """login(username): a new page logged in through the login form, on the 工作台."""

    def as_user(username: str) -> Any:
        page = new_page()
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="工作台").wait_for()
        return page

    return as_user
