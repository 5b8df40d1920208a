"""The kit under the intranet's Content-Security-Policy: the real nginx (deploy/nginx.conf), real Chromium.

The published tree (versions 1.0 and 1.1, see tests/publishing.py) is served
by nginx with its headers. On every page type, in both languages, Chromium
reports no policy violation (``securitypolicyviolation`` events and console),
and what runs on scripts still works: search (its worker), the version
selector (versions.json), the language switch and the calendar filter.

Scripts are allowed from the site's files only: a script added to
docs/assets/javascripts/ (extra_javascript) passes, an inline one fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from publishing import PREFIX, Published, free_port, nginx

from .conftest import CONTEXT_OPTIONS, TIMEOUT_MS
from .pagetypes import PAGE_TYPES
from .visits import visit

pytestmark = [pytest.mark.publication, pytest.mark.nginx]

# Recorded before any page script runs (Playwright's init scripts are not subject to the policy).
_LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
}, true);
"""


@dataclass
class Watch:
    """Console messages and policy violations seen in a browser context, with the tab of each."""

    console: list[str] = field(default_factory=list)
    tabs: list[object] = field(default_factory=list)

    def record(self, tab: object, text: str) -> None:
        self.console.append(text)
        self.tabs.append(tab)

    def policy_messages(self, tab: object | None = None) -> list[str]:
        """The policy's console messages: of ``tab`` when given, else of every tab."""
        return [m for m, t in zip(self.console, self.tabs, strict=True)
                if ("Content Security Policy" in m or "Content-Security-Policy" in m) and tab in (None, t)]


@pytest.fixture(scope="module")
def served(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:PORT/kit-forums/``: the published tree behind the real nginx."""
    with nginx(published.tree, free_port(), tmp_path_factory.mktemp("nginx-csp")) as url:
        yield url + PREFIX


@pytest.fixture
def watched(browser) -> Iterator[tuple[object, Watch]]:  # type: ignore[no-untyped-def]
    """A French browser context that records console messages and policy violations."""
    context = browser.new_context(**CONTEXT_OPTIONS)
    watch = Watch()
    context.add_init_script(_LISTEN)
    context.on("console", lambda message: watch.record(message.page, f"{message.type}: {message.text}"))
    context.on("page", lambda tab: tab.on("pageerror", lambda error: watch.record(tab, f"pageerror: {error}")))
    context.set_default_timeout(TIMEOUT_MS)
    yield context, watch
    context.close()


def violations(tab, watch: Watch) -> list[str]:  # type: ignore[no-untyped-def]
    return list(tab.evaluate("window.__cspViolations || []")) + watch.policy_messages(tab)


def page_types(published: Published) -> list[tuple[str, str]]:
    latest = published.served / "latest"
    found = [(page_type.id, page_type.find(latest)) for page_type in PAGE_TYPES]
    missing = [key for key, url in found if url is None]
    assert not missing, f"types de page absents de la version publiée : {missing}"
    return [(key, str(url)) for key, url in found]


def test_the_policy_blocks_an_inline_script(served: str, watched, published: Published) -> None:  # type: ignore[no-untyped-def]
    """The test can fail: an inline script planted in a page is blocked and reported."""
    context, watch = watched
    page = published.served / "latest" / "glossaire" / "index.html"
    original = page.read_text(encoding="utf-8")
    planted = original.replace("</body>", "<script>document.title = 'injecté'</script></body>", 1)
    assert planted != original
    page.write_text(planted, encoding="utf-8")
    try:
        tab = context.new_page()
        tab.goto(served + "latest/glossaire/", wait_until="load")
        tab.wait_for_function("window.__cspViolations.length > 0")
        assert tab.title() != "injecté"
        assert any(v.startswith("script-src") and "inline" in v for v in violations(tab, watch)), violations(tab, watch)
    finally:
        page.write_text(original, encoding="utf-8")


def test_no_violation_on_any_page_type(served: str, watched, published: Published) -> None:  # type: ignore[no-untyped-def]
    context, watch = watched
    pages = page_types(published) + [("racine", "../"), ("ancienne-version", "../1.0/note/")]
    keys = {served + "latest/" + url: (key, url) for key, url in pages}
    reached = []
    for address, tab in visit(context, list(keys)):
        key, url = keys[address]
        tab.locator("body").wait_for()
        found = violations(tab, watch)
        assert not found, f"{key} ({url}) : {found}"
        reached.append((key, tab.url))
    # The root address redirected (its script is a file) to the latest version.
    assert "/latest/" in dict(reached)["racine"], reached
    errors = [m for m in watch.console if m.startswith(("error", "pageerror")) and "favicon" not in m]
    assert not errors, errors


def test_a_forums_documents_are_filled_under_the_policy(served: str, watched,  # type: ignore[no-untyped-def]
                                                         published: Published) -> None:
    """« Préparer un forum » reads the forum's facts and rewrites its ODT without breaking the policy."""
    context, watch = watched
    facts_file = next((published.served / "latest" / "calendrier").glob("*/documents.json"))
    forum = next(iter(json.loads(facts_file.read_text(encoding="utf-8"))["forums"]))
    tab = context.new_page()
    tab.goto(served + f"latest/preparer/?dep={facts_file.parent.name}&forum={forum}&doc=communique",
             wait_until="load")
    tab.wait_for_selector("[data-kit-preparer-pret]", state="attached")
    with tab.expect_download() as info:
        tab.click("[data-kit-preparer-odt]")
    assert info.value.suggested_filename.endswith(f"-{forum}.odt")
    assert not violations(tab, watch)
    errors = [m for m in watch.console if m.startswith(("error", "pageerror")) and "favicon" not in m]
    assert not errors, errors


def test_scripts_still_work_under_the_policy(served: str, watched) -> None:  # type: ignore[no-untyped-def]
    context, watch = watched
    tab = context.new_page()

    # Search: Material's worker (a file of the site) answers.
    tab.goto(served + "latest/", wait_until="networkidle")
    box = tab.locator("input.md-search__input")
    box.click()
    box.press_sequentially("cambriolages", delay=15)
    tab.locator(".md-search-result__item").first.wait_for()
    assert tab.locator(".md-search-result__item").count() > 0

    # Version selector: built from versions.json, switches version.
    tab.goto(served + "latest/note/", wait_until="networkidle")
    selector = tab.locator(".md-version")
    selector.wait_for(state="attached")
    selector.hover()
    with tab.expect_navigation():
        selector.locator(".md-version__link", has_text="1.0").first.click()
    assert "/1.0/note/" in tab.url

    # Language switch (Material's selector in the header).
    tab.goto(served + "latest/note/", wait_until="networkidle")
    switch = tab.locator(".md-header .md-select").first
    switch.hover()
    with tab.expect_navigation():
        switch.locator("a[hreflang='en']").first.click()
    assert "/latest/note.en/" in tab.url

    # Calendar filter (the kit's script): choosing a département narrows the list.
    tab.goto(served + "latest/calendrier/", wait_until="networkidle")
    tab.locator("[data-kit-cal-filter]").first.wait_for(state="visible")
    rows = "#kit-cal-forums tbody tr"
    total = tab.locator(f"{rows}:visible").count()
    select = tab.get_by_label("Département", exact=True)
    codes = [o.get_attribute("value") for o in select.locator("option").all() if o.get_attribute("value")]
    assert len(codes) > 1 and total > 1
    select.select_option(codes[0])
    # The filter runs just after the choice: done once it writes the département in the address.
    tab.wait_for_function("(dep) => new URLSearchParams(location.search).get('dep') === dep", arg=codes[0])
    shown = tab.locator(f"{rows}:visible").count()
    assert 0 < shown < total, (shown, total)

    assert not violations(tab, watch), violations(tab, watch)
    assert not re.search(r"Refused to", "\n".join(watch.console)), watch.console
