"""The editor's loop: `make serve` after a page or a calendar row is saved.

A copy of the kit is served by the real `make serve`; each edit is waited for over
HTTP, then the served search index is compared with the one a plain `mkdocs build`
of the same files writes: whole (every page's entries, no page twice) and current
(the edit is found).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from conftest import NO_DOCUMENTS, as_data_file, build_site
from kit.site.serve import DeferredMaker
from kit.site.session import DeferredFile, EditorSession, no_keeping
from kit.store import ArtifactCache
from kitdev.editor_loop import ServedKit, copy_project

ROOT = Path(__file__).resolve().parents[1]
CALENDAR = ROOT / "tests" / "data" / "calendar" / "forums.csv"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedKit]:
    work = tmp_path_factory.mktemp("loop")
    copy_project(work / "kit")
    (work / "kit" / "data" / "forums.csv").write_bytes(as_data_file(CALENDAR))
    # No PDF, DOCX or ODT: what the loop does with them is tested on its own (DeferredMaker, below);
    # here, the pages, the calendar's files and the search index.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **NO_DOCUMENTS,
           "KIT_CALENDAR_CACHE": str(work / "cache" / "calendar"),
           "KIT_DOCUMENTS_CACHE": str(work / "cache" / "documents")}
    env.pop("FORUMS_CSV", None)
    served = ServedKit(work / "kit", env)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def built(kit: ServedKit, dest: Path) -> Path:
    """A plain strict build of the served files, at the served address."""
    result = build_site(dest, cwd=kit.dir, config=kit.dir / "mkdocs.yml",
                        env={"SITE_URL": kit.base, **NO_DOCUMENTS,
                             "KIT_CALENDAR_CACHE": kit.env["KIT_CALENDAR_CACHE"],
                             "KIT_DOCUMENTS_CACHE": kit.env["KIT_DOCUMENTS_CACHE"]})
    assert result.returncode == 0, result.stderr[-3000:]
    return dest


def index_of(site: Path) -> dict[str, object]:
    return dict(json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8")))


def served_index(kit: ServedKit) -> dict[str, object]:
    data = kit.index_document()
    assert data is not None, "l'index de recherche n'est pas servi"
    return data


def index_once_written(kit: ServedKit, page_url: str, word: str) -> dict[str, object]:
    """The served index once it holds ``word`` for ``page_url``: the server writes a page before the index."""
    deadline = time.monotonic() + 60
    index = served_index(kit)
    while not any(word in e["text"] or word in e["title"] for e in entries_of(index, page_url)) \
            and time.monotonic() < deadline:
        time.sleep(0.1)
        index = served_index(kit)
    return index


def save(path: Path, text: str) -> float:
    path.write_text(text, encoding="utf-8")
    return time.perf_counter()


def entries_of(index: dict[str, object], page_url: str) -> list[dict[str, str]]:
    docs = index["docs"]
    assert isinstance(docs, list)
    return [e for e in docs if e["location"] == page_url or e["location"].startswith(page_url + "#")]


def test_page_edit_keeps_the_index_whole_and_current(kit: ServedKit, tmp_path: Path) -> None:
    before = served_index(kit)
    glossary = kit.dir / "docs" / "glossaire.md"
    word = "motdelaboucle"
    started = save(glossary, glossary.read_text(encoding="utf-8").rstrip() + f"\n\nUne phrase avec {word}.\n")
    kit.wait_for("glossaire/", word, started, 0.0)
    after = index_once_written(kit, "glossaire/", word)
    assert len(after["docs"]) == len(before["docs"])  # type: ignore[arg-type]
    assert any(word in e["text"] for e in entries_of(after, "glossaire/"))
    site = built(kit, tmp_path / "site")
    assert after == index_of(site)
    # The page rendered alone is the page a full build renders, navigation included.
    assert kit.page("glossaire/") == (site / "glossaire" / "index.html").read_text(encoding="utf-8")


def test_row_edit_keeps_the_index_whole_and_current(kit: ServedKit, tmp_path: Path) -> None:
    calendar = kit.dir / "data" / "forums.csv"
    text = calendar.read_text(encoding="utf-8")
    assert ";Rezé;" in text and "Bouguenais" not in text
    assert not any("Bouguenais" in e["text"] for e in entries_of(served_index(kit), "calendrier/44/"))
    started = save(calendar, text.replace(";Rezé;", ";Bouguenais;", 1))
    kit.wait_for("calendrier/44/", "Bouguenais", started, 0.0)
    after = index_once_written(kit, "calendrier/44/", "Bouguenais")
    assert any("Bouguenais" in e["text"] for e in entries_of(after, "calendrier/44/"))
    assert after == index_of(built(kit, tmp_path / "site"))



def test_heading_added_keeps_the_index_whole_and_current(kit: ServedKit, tmp_path: Path) -> None:
    # A new section: the page gains a search entry, the others keep theirs.
    before = served_index(kit)
    glossary = kit.dir / "docs" / "glossaire.md"
    started = save(glossary, glossary.read_text(encoding="utf-8").rstrip()
                   + "\n\n## Section ajoutée pendant la boucle\n\nUn paragraphe sous la section.\n")
    kit.wait_for("glossaire/", "Section ajoutée pendant la boucle", started, 0.0)
    after = index_once_written(kit, "glossaire/", "Section ajoutée pendant la boucle")
    assert len(after["docs"]) == len(before["docs"]) + 1  # type: ignore[arg-type]
    assert any(e["title"] == "Section ajoutée pendant la boucle" for e in entries_of(after, "glossaire/"))
    assert after == index_of(built(kit, tmp_path / "site"))


def test_rows_moved_and_edited_in_one_save_keep_the_index_whole_and_current(kit: ServedKit,
                                                                           tmp_path: Path) -> None:
    calendar = kit.dir / "data" / "forums.csv"
    text = calendar.read_text(encoding="utf-8")
    assert ";Toussaint;" in text and "Dieppe" not in text
    header, *rows = text.splitlines(keepends=True)
    # The last row moved to the top (every line number changes) and a commune changed, in one save.
    rows = [rows[-1], *rows[:-1]]
    started = save(calendar, header + "".join(rows).replace(";Toussaint;", ";Dieppe;", 1))
    kit.wait_for("calendrier/76/", "Dieppe", started, 0.0)
    after = index_once_written(kit, "calendrier/76/", "Dieppe")
    assert any("Dieppe" in e["text"] for e in entries_of(after, "calendrier/76/"))
    assert after == index_of(built(kit, tmp_path / "site"))


# The session shared by the builds of one `make serve` ----------------------------------------


def test_session_reuses_a_value_only_for_the_same_inputs() -> None:
    session = EditorSession()
    session.remember("calendrier", "clé-1", ["lu"])
    assert session.recall("calendrier", "clé-1") == ["lu"]
    assert session.recall("calendrier", "clé-2") is None
    assert session.recall("autre", "clé-1") is None


def _slowly(content: bytes) -> bytes:
    """A file that takes a second to make (made in the server's worker process: a module-level function)."""
    time.sleep(1.0)
    return content


def _failing() -> bytes:
    raise ValueError("données illisibles")


def test_deferred_files_are_made_once_then_their_pages_rebuilt(tmp_path: Path) -> None:
    session = EditorSession()
    target = tmp_path / "site" / "documents" / "note.pdf"
    kept = ArtifactCache(tmp_path / "cache")

    def job(content: bytes) -> DeferredFile:
        return DeferredFile(key="clé-note", targets=(target,), make=partial(bytes, content),
                            keep=partial(kept.put, "clé-note", "pdf"), pages=("note.md",))

    session.defer(job(b"%PDF premier"))
    session.defer(job(b"%PDF second"))  # same key: made once
    rebuilt: list[list[str]] = []
    done = threading.Event()
    maker = DeferredMaker(session, lambda pages: (rebuilt.append(pages), done.set()))
    maker.start()
    assert done.wait(60)
    maker.stop()
    assert target.read_bytes() == b"%PDF premier"
    assert kept.get("clé-note", "pdf") == b"%PDF premier"  # kept by the worker process
    assert rebuilt == [["note.md"]]
    assert session.take_pending() == []


def test_deferred_file_that_fails_is_told_and_not_tried_again(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    session = EditorSession()
    broken, fine = tmp_path / "site" / "documents" / "note.pdf", tmp_path / "site" / "documents" / "lettre.pdf"
    session.defer(DeferredFile(key="clé-note", targets=(broken,), make=_failing, keep=no_keeping, pages=("note.md",)))
    session.defer(DeferredFile(key="clé-lettre", targets=(fine,), make=partial(bytes, b"%PDF"), keep=no_keeping,
                               pages=("lettre.md",)))
    rebuilt: list[list[str]] = []
    done = threading.Event()
    maker = DeferredMaker(session, lambda pages: (rebuilt.append(pages), done.set()))
    with caplog.at_level(logging.ERROR, logger="mkdocs.kit.serve"):
        maker.start()
        assert done.wait(60)
    maker.stop()
    assert not broken.exists() and fine.read_bytes() == b"%PDF"
    assert rebuilt == [["lettre.md"]]
    assert [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR] == [
        "Préparation après affichage : note.pdf n'a pas pu être fait : données illisibles"]
    session.defer(DeferredFile(key="clé-note", targets=(broken,), make=_failing, keep=no_keeping))
    assert session.take_pending() == []  # failed: not handed over again


def served_differences(kit: ServedKit, site: Path) -> list[str]:
    """Files of ``site`` that the server answers differently (the live-reload script set aside)."""
    different = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix()
        expected = path.read_bytes()
        if relative.endswith(".html"):
            served = kit.page(relative).encode("utf-8")
        else:
            served = kit.file(relative)
        if served != expected:
            different.append(relative)
    return different


def test_served_site_is_the_built_site_after_the_edits(kit: ServedKit, tmp_path: Path) -> None:
    # After the edits above, once the server has nothing left to make (documents, downloads),
    # every file it serves is the file a plain build of the same sources writes, byte for byte.
    site = built(kit, tmp_path / "site")
    deadline = time.monotonic() + 300
    different = served_differences(kit, site)
    while different and time.monotonic() < deadline:
        time.sleep(2)
        different = served_differences(kit, site)
    assert not different, f"{len(different)} fichiers diffèrent, dont {different[:10]}"


def test_files_handed_over_during_a_batch_are_made_after_it_in_order(tmp_path: Path) -> None:
    session = EditorSession()
    target = tmp_path / "site" / "calendrier" / "forums.ics"

    session.defer(DeferredFile(key="lot-1", targets=(target,), make=partial(_slowly, b"premier"), keep=no_keeping,
                               kind="calendar"))
    maker = DeferredMaker(session, lambda pages: None)
    maker.start()
    # Handed over while the first batch is being made: no later build comes to start it.
    session.defer(DeferredFile(key="lot-2", targets=(target,), make=partial(bytes, b"second"), keep=no_keeping,
                               kind="calendar"))
    maker.start()  # a batch is running: this one waits for it
    deadline = time.monotonic() + 60
    while (not target.is_file() or target.read_bytes() != b"second") and time.monotonic() < deadline:
        time.sleep(0.1)
    maker.stop()
    assert target.read_bytes() == b"second"
    assert session.take_pending() == []
