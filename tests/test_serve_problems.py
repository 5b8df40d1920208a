"""`make serve` serves whatever happens: an editor's mistake is shown, never a hang or a traceback.

A copy of the kit is served by the real `make serve` (kitdev.editor_loop), started with a broken
link. Each test makes one of an editor's usual mistakes, waits for the served pages to settle
(polling, with a bounded wait), checks what the pages and the terminal say, then undoes it and
waits for the pages to be clean again. The address already taken and mkdocs.yml unreadable at
start-up are tried with their own `scripts/serve.py`, which must stop before building anything.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import as_data_file, documents_cache
from kit.store import LOCKS
from kitdev.editor_loop import ServedKit, copy_project, free_port

ROOT = Path(__file__).resolve().parents[1]
CALENDAR = ROOT / "tests" / "data" / "calendar" / "forums.csv"
VENV = Path(sys.prefix)
# `make serve` as an editor types it, with this Python's environment (never reinstalled here).
MAKE_SERVE = ("make", "-s", "-o", f"{VENV}/.installed", "serve", f"VENV={VENV}", "SERVE_ADDR=127.0.0.1:{port}")
SETTLE = 90.0  # seconds for a save to show on the served pages (a full build on a busy machine)
ANSWER = 10.0  # seconds a served page may take to answer once the site has settled
BANNER = b'id="kit-serve-problemes"'
BROKEN, FIXED = "(fil-directur.md)", "(fil-directeur.md)"
NEW_PAGE = """---
description: >-
  Organiser une réunion publique dans le cadre des forums sécurité 2009.
---

# Réunions publiques

Le texte de la page.
"""


def _env(work: Path) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "KIT_CALENDAR_CACHE": str(work / "cache" / "calendar"),
           "KIT_DOCUMENTS_CACHE": str(work / "cache" / "documents")}
    env.pop("FORUMS_CSV", None)
    return env


def _documents_made(work: Path) -> None:
    """The served copy's documents cache starts with the layouts the test site's build made (hard links).

    A PDF is laid out for any address (kit.documents.pdf): the session worker of `make serve` only points
    the links of each at the served address, instead of laying out every PDF of the kit again with
    WeasyPrint (this module alone took 27.0 s of processor time that way, 21.5 s now, the test site's
    build included). The ``kit`` fixture asks for ``site`` for that build, which makes the layouts.
    What the copy writes stays in its own folder (its PDFs addressed to a new port at each run would
    otherwise stay in the shared cache for 14 days, kit.store.CACHE_DAYS): the shared files are
    replaced whole, never written in place (kit.store.write_atomic).
    """
    if documents_cache().is_dir():
        shutil.copytree(documents_cache(), work / "cache" / "documents", copy_function=os.link,
                        ignore=shutil.ignore_patterns(LOCKS))


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory, site: Path) -> Iterator[ServedKit]:
    work = tmp_path_factory.mktemp("serve")
    _documents_made(work)
    copy_project(work / "kit")
    (work / "kit" / "data" / "forums.csv").write_bytes(as_data_file(CALENDAR))
    methode = work / "kit" / "docs" / "methode.md"
    text = methode.read_text(encoding="utf-8")
    assert FIXED in text
    methode.write_text(text.replace(FIXED, BROKEN, 1), encoding="utf-8")  # make serve starts with it
    served = ServedKit(work / "kit", _env(work), MAKE_SERVE)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def settled(kit: ServedKit, url: str, ready: Callable[[bytes], bool], what: str) -> bytes:
    """The served ``url`` once ``ready`` holds for it (bounded wait; each request bounded too)."""
    deadline = time.monotonic() + SETTLE
    while True:
        started = time.monotonic()
        body = kit.file(url)
        assert time.monotonic() - started < ANSWER, f"/{url} ne répond pas (serveur bloqué) :\n{kit.tail()}"
        if body is not None and ready(body):
            return body
        assert time.monotonic() < deadline, f"{what} : /{url} n'y arrive pas en {SETTLE:.0f} s :\n{kit.tail()}"
        time.sleep(0.2)


def banner_of(body: bytes) -> str:
    """The banner's text, with ordinary spaces; "" when the page has none."""
    start = body.find(BANNER)
    if start < 0:
        return ""
    return body[start:body.find(b"</div>", start)].decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def saying(*words: str) -> Callable[[bytes], bool]:
    """Whether a page's banner says all these words."""
    return lambda body: all(word in banner_of(body) for word in words)


def clean(kit: ServedKit, url: str = "note/") -> bytes:
    return settled(kit, url, lambda body: BANNER not in body, "plus de bandeau")


def cleared(kit: ServedKit, what: str, url: str = "note/") -> bytes:
    """The served ``url`` once its banner no longer names ``what`` (the problem a test made, then undid).

    Each test undoes what it broke and waits for that alone: the tests share one server,
    whose banner may still name a problem another test has not reached yet.
    """
    return settled(kit, url, lambda body: what not in banner_of(body), f"plus de « {what} » dans le bandeau")


def log_since(kit: ServedKit, mark: int, saying: str) -> str:
    """The server's terminal since ``mark``, once it says ``saying`` (bounded wait)."""
    deadline = time.monotonic() + SETTLE
    while True:
        log = kit.log.read_text(encoding="utf-8", errors="replace")[mark:]
        if saying in log:
            return log
        assert time.monotonic() < deadline, f"le terminal ne dit pas « {saying} » :\n{kit.tail()}"
        time.sleep(0.2)


def log_mark(kit: ServedKit) -> int:
    return len(kit.log.read_text(encoding="utf-8", errors="replace"))


def line_of(path: Path, needle: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
                if needle in line)


def test_make_serve_starts_with_a_broken_link_shows_it_then_clears_it(kit: ServedKit) -> None:
    methode = kit.dir / "docs" / "methode.md"
    line = line_of(methode, BROKEN)
    body = settled(kit, "methode/", saying(f"docs/methode.md:{line}"), "bandeau du lien cassé")
    banner = banner_of(body)
    assert f"docs/methode.md:{line}" in banner and "fil-directur.md" in banner
    assert "lien vers une page qui n'existe pas" in banner
    assert BANNER in settled(kit, "glossaire/", lambda body: True, "autre page")  # on every page
    log = kit.tail()
    assert f"docs/methode.md:{line}" in log
    assert "Traceback" not in log and "Error 1" not in log and "stuck" not in log
    # The calendar's hint names a command that works from the kit's folder.
    assert "python scripts/forums.py" not in log.replace(".venv/bin/python scripts/forums.py", "")
    methode.write_text(methode.read_text(encoding="utf-8").replace(BROKEN, FIXED, 1), encoding="utf-8")
    body = clean(kit, "methode/")
    assert b'href="../fil-directeur/"' in body
    clean(kit, "glossaire/")


def test_a_new_page_not_yet_in_the_menu_is_served_with_a_notice(kit: ServedKit) -> None:
    # Step 1 of the README's new-page recipe: the page exists, the menu does not name it yet.
    page = kit.dir / "docs" / "reunions-publiques.md"
    page.write_text(NEW_PAGE, encoding="utf-8")
    try:
        body = settled(kit, "reunions-publiques/",
                       lambda body: saying("docs/reunions-publiques.md")(body) and b"Le texte de la page" in body,
                       "page nouvelle")
        banner = banner_of(body)
        assert "docs/reunions-publiques.md" in banner and "menu" in banner
        started = time.monotonic()
        other = kit.file("note/")
        assert other is not None and BANNER in other and time.monotonic() - started < ANSWER
    finally:
        mark = log_mark(kit)
        page.unlink()
    cleared(kit, "docs/reunions-publiques.md")
    # The page deleted as soon as it is served (its check may be reading it): no failure is told.
    assert "n'a pas pu se faire" not in kit.log.read_text(encoding="utf-8", errors="replace")[mark:], kit.tail()


def test_a_colon_in_a_menu_label_keeps_the_last_pages_and_says_where(kit: ServedKit) -> None:
    config = kit.dir / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    entry = "  - Glossaire: glossaire.md\n"
    assert entry in original
    mark = log_mark(kit)
    config.write_text(original.replace(entry, entry + "  - Réunions : le guide: glossaire.md\n", 1), encoding="utf-8")
    try:
        line = line_of(config, "Réunions : le guide")
        body = settled(kit, "note/", saying(f"mkdocs.yml:{line}"), "bandeau de mkdocs.yml")
        banner = banner_of(body)
        assert f"mkdocs.yml:{line}" in banner and "deux-points" in banner
        assert b"<h1" in body and b"</html>" in body  # the last good page, whole
        log = log_since(kit, mark, f"mkdocs.yml:{line}")
        assert "Traceback" not in log and "mapping values" not in log and "stuck" not in log
    finally:
        config.write_text(original, encoding="utf-8")
    cleared(kit, "mkdocs.yml")


def test_a_colon_in_a_page_header_is_reported_while_serving(kit: ServedKit) -> None:
    methode = kit.dir / "docs" / "methode.md"
    original = methode.read_text(encoding="utf-8")
    title = "title: Méthode d'animation\n"
    assert title in original
    mark = log_mark(kit)
    methode.write_text(original.replace(title, "title: Méthode d'animation : le guide\n", 1), encoding="utf-8")
    try:
        line = line_of(methode, "le guide")
        body = settled(kit, "methode/", saying(f"docs/methode.md:{line}"), "bandeau de l'en-tête")
        banner = banner_of(body)
        assert f"docs/methode.md:{line}" in banner and "en-tête" in banner
        log_since(kit, mark, f"docs/methode.md:{line} : en-tête")
    finally:
        methode.write_text(original, encoding="utf-8")
    cleared(kit, "en-tête", "methode/")


def test_an_address_already_taken_is_said_before_building(kit: ServedKit) -> None:
    command = [part.format(port=kit.port) for part in MAKE_SERVE]
    started = time.monotonic()
    result = subprocess.run(command, cwd=kit.dir, env=kit.env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"L'adresse 127.0.0.1:{kit.port} est déjà prise" in output
    assert "make serve SERVE_ADDR=127.0.0.1:" in output
    assert "Traceback" not in output and "Errno" not in output
    assert "Site construit" not in output and "Construction" not in output and "Dossier du site" not in output
    assert time.monotonic() - started < 60


def test_an_unreadable_configuration_at_start_up_is_said_at_its_line(kit: ServedKit) -> None:
    broken = kit.dir / "mkdocs-casse.yml"
    broken.write_text((kit.dir / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  - Glossaire: glossaire.md\n", "  - Glossaire : sigles: glossaire.md\n", 1), encoding="utf-8")
    line = line_of(broken, "Glossaire : sigles")
    result = subprocess.run([sys.executable, "scripts/serve.py", "-f", broken.name,
                             "--dev-addr", f"127.0.0.1:{free_port()}"],
                            cwd=kit.dir, env=kit.env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"mkdocs-casse.yml:{line} : mkdocs-casse.yml illisible : deux-points" in output
    assert "Traceback" not in output and "Site construit" not in output


def test_a_calendar_error_keeps_the_last_pages_and_says_where(kit: ServedKit) -> None:
    calendar = kit.dir / "data" / "forums.csv"
    original = calendar.read_text(encoding="utf-8")
    header, first, rest = original.split("\n", 2)
    day = first.split(";")[1]
    calendar.write_text("\n".join([header, first.replace(f";{day};", ";2009-13-45;", 1), rest]), encoding="utf-8")
    try:
        body = settled(kit, "note/", saying("data/forums.csv:2"), "bandeau du calendrier")
        banner = banner_of(body)
        assert "data/forums.csv:2" in banner and "2009-13-45" in banner
        assert "n'a pas pu être construite" in banner
        assert b"<h1" in body and b"</html>" in body  # the last good page, whole
        assert b"<h1" in settled(kit, "calendrier/", lambda body: True, "calendrier")
    finally:
        calendar.write_text(original, encoding="utf-8")
    cleared(kit, "data/forums.csv")


def test_the_banner_keeps_the_check_s_examples_as_they_are_typed() -> None:
    from kit.editorial.slips import Slip
    from kit.site.problems import Problems, Report, insert_banner

    report = Report()
    slip = Slip("docs/reunions-publiques.md", 1, "page absente du menu du site",
                "ajoutez-la sous nav: dans mkdocs.yml")
    report.set(Problems(slips=(slip,), messages=("docs/reunions-publiques.md:1 : page absente",)), built=True)
    banner = report.banner().decode("utf-8")
    assert "<code>docs/reunions-publiques.md:1</code>\u00a0: page absente du menu du site" in banner
    assert "sous nav: dans mkdocs.yml" in banner  # to be typed as it is
    assert "\u00a0;" not in banner and "\u202f;" in banner  # the banner's own text: French spacing
    page = insert_banner(b'<html><body class="x"><h1>T</h1></body></html>', b"<div>B</div>")
    assert page == b'<html><body class="x"><div>B</div><h1>T</h1></body></html>'
    report.set(Problems(), built=True)
    assert report.banner() == b""


def test_an_address_with_a_nul_byte_answers_400_without_a_traceback(kit: ServedKit) -> None:
    settled(kit, "note/", lambda body: True, "page servie")
    mark = log_mark(kit)
    connection = http.client.HTTPConnection("127.0.0.1", kit.port, timeout=ANSWER)
    try:
        connection.request("GET", "/note/%00.html")
        response = connection.getresponse()
        status, body = response.status, response.read()
    finally:
        connection.close()
    assert status == 400 and "Adresse invalide" in body.decode("utf-8")
    assert kit.file("note/") is not None  # still serving
    log = kit.log.read_text(encoding="utf-8", errors="replace")[mark:]
    assert "Traceback" not in log and "500" not in log
