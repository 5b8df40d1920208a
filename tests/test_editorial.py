"""The editorial check (scripts/verifier.py): each documented slip reported at its file and line, in French.

Every slip is made on a copy of the kit's pages, menu and acronyms; the expected
line is where the test wrote the slip, never a number read from today's pages.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kit.editorial.check import check_project

ROOT = Path(__file__).resolve().parents[1]
VERIFIER = ROOT / "scripts" / "verifier.py"
# One line of the report: FICHIER:LIGNE : problème — que faire
REPORT_LINE = re.compile(r"^(?P<path>[\w./-]+):(?P<line>\d+) : (?P<problem>.+) — (?P<fix>.+)$")


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    """A copy of what the check reads: docs/, includes/, mkdocs.yml."""
    root = tmp_path / "kit"
    root.mkdir()
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(ROOT / "includes", root / "includes")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def append(root: Path, name: str, text: str) -> int:
    """Append ``text`` (after a blank line) to a file; the 1-based line where it starts."""
    path = root / name
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join([*lines, "", text, ""]), encoding="utf-8")
    return len(lines) + 2


def reported(root: Path) -> list[str]:
    return [str(slip) for slip in check_project(root)]


def test_the_kit_as_it_is_has_no_slip() -> None:
    assert reported(ROOT) == []


# The slips an editor makes, each with where it must be reported -----------------------------

def _footnote_call(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/methode.md", "Une phrase avec un appel[^99].")
    return "docs/methode.md", line, "appel de note [^99] sans note"


def _footnote_unused(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/methode.md", "[^98]: Une note que rien n'appelle.")
    return "docs/methode.md", line, "note [^98] jamais appelée"


def _box_unclosed(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/note.md", "!!! info \"Note de l'édition\n\n    Texte de la note.")
    return "docs/note.md", line, "titre d'encadré sans guillemet fermant"


def _box_not_indented(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/note.md", "!!! info \"Note de l'édition\"\n\nTexte sans retrait.")
    return "docs/note.md", line, "encadré vide : le texte qui suit n'est pas en retrait"


def _sublist_two_spaces(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/methode.md", "- les élus ;\n- les associations :\n  - de quartier ;")
    return "docs/methode.md", line + 2, "sous-liste en retrait de 2 espaces"


def _list_glued(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/methode.md", "Les invités :\n- les élus ;\n- les associations.")
    return "docs/methode.md", line + 1, "liste collée au paragraphe du dessus"


def _table_cell_missing(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/methode.md", "| quoi | qui | quand |\n|---|---|---|\n| salle | mairie |")
    return "docs/methode.md", line + 2, "ligne de tableau avec 2 cases au lieu de 3"


def _link_missing_page(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/methode.md", "Texte.\nVoir la [fiche](fiche-3.md).")
    return "docs/methode.md", line + 1, "lien vers une page qui n'existe pas : « fiche-3.md »"


def _link_missing_anchor(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/methode.md", "Voir la [note](note.md#section-qui-n-existe-pas).")
    return "docs/methode.md", line, "lien vers une section « #section-qui-n-existe-pas » absente de note.md"


def _page_not_in_nav(root: Path) -> tuple[str, int, str]:
    (root / "docs" / "page-oubliee.md").write_text("# Page oubliée\n\nTexte.\n", encoding="utf-8")
    return "docs/page-oubliee.md", 1, "page absente du menu du site"


def _nav_to_missing_page(root: Path) -> tuple[str, int, str]:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").rstrip("\n") + "\n  - Page absente: absente.md\n"
    config.write_text(text, encoding="utf-8")
    return "mkdocs.yml", len(text.split("\n")) - 1, "le menu mène à une page qui n'existe pas : « absente.md »"


def _english_label_missing(root: Path) -> tuple[str, int, str]:
    for name, text in (("docs/essai.md", "# Essai\n\nTexte.\n"), ("docs/essai.en.md", "# Trial\n\nText.\n")):
        (root / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").rstrip("\n") + "\n  - Essai: essai.md\n  - Essai: essai.en.md\n"
    config.write_text(text, encoding="utf-8")
    return "mkdocs.yml", len(text.split("\n")) - 2, "libellé du menu « Essai » sans traduction anglaise"


def _acronym_without_english(root: Path) -> tuple[str, int, str]:
    line = append(root, "includes/abbreviations.md", "*[ZQXW]: Sigle d'essai")
    return "includes/abbreviations.md", line, "sigle « ZQXW » sans développement anglais"


def _acronym_not_in_glossary(root: Path) -> tuple[str, int, str]:
    line = append(root, "includes/abbreviations.md", "*[ZQXW]: Sigle d'essai")
    append(root, "includes/abbreviations.en.md", "*[ZQXW]: Trial acronym")
    return "includes/abbreviations.md", line, "sigle « ZQXW » absent du glossaire"


def _acronym_unknown(root: Path) -> tuple[str, int, str]:
    line = append(root, "docs/methode.md", "Le QKZV réunit les partenaires.")
    return "docs/methode.md", line, "sigle « QKZV » inconnu"


def _yaml_colon(root: Path) -> tuple[str, int, str]:
    config = root / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("site_name:"))
    lines[at] = "site_name: Forums sécurité 2009 : le kit"
    config.write_text("\n".join(lines), encoding="utf-8")
    return "mkdocs.yml", at + 1, "mkdocs.yml illisible : deux-points « : » inattendu"


def _yaml_indent(root: Path) -> tuple[str, int, str]:
    config = root / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("  - Glossaire:"))
    lines[at] = "   - Glossaire: glossaire.md"
    config.write_text("\n".join(lines), encoding="utf-8")
    return "mkdocs.yml", at + 1, "mkdocs.yml illisible : ligne mal alignée"


def _front_matter(root: Path) -> tuple[str, int, str]:
    path = root / "docs" / "methode.md"
    body = path.read_text(encoding="utf-8")
    if body.startswith("---\n"):
        body = body.split("\n---\n", 1)[1]
    path.write_text("---\ntitle: Méthode : animer un forum\n---\n" + body, encoding="utf-8")
    return "docs/methode.md", 2, "en-tête de la page (entre les lignes ---) illisible : deux-points"


def test_provenance_slips_say_the_allowed_values(kit: Path) -> None:
    _provenance_unknown(kit)
    (slip,) = [m for m in reported(kit) if "bidon" in m]
    assert all(f"« {kind} »" in slip for kind in ("officiel", "traduction", "edition"))
    assert "écrivez « provenance: edition »" in slip


def test_header_key_in_french_names_the_key_to_write(kit: Path) -> None:
    _header_key_in_french(kit)
    (slip,) = [m for m in reported(kit) if "titre" in m]
    assert "écrivez « title: » à la place de « titre: »" in slip


def test_colon_hints_say_what_to_quote(kit: Path) -> None:
    """In a page's header the value is quoted (``title:``); in the menu, the label, which is the key."""
    _front_matter(kit)
    header = [m for m in reported(kit) if m.startswith("docs/methode.md:2 : ")]
    assert any('title: "' in m for m in header) and not any("titre:" in m for m in header), header
    config = kit / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("  - Glossaire:"))
    lines[at] = "  - Glossaire : les sigles: glossaire.md"
    config.write_text("\n".join(lines), encoding="utf-8")
    (menu,) = [m for m in reported(kit) if m.startswith(f"mkdocs.yml:{at + 1} : ")]
    assert "libellé du menu" in menu and '- "Fiche n° 2 : la sécurité": fiche-2.md' in menu
    assert "après la clé" not in menu


def insert_before_versions(root: Path, name: str, text: str) -> int:
    """Put ``text`` above the newest version of a changelog; the 1-based line where it starts."""
    path = root / name
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("## Version"))
    lines[at:at] = [*text.split("\n"), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


def _changelog_heading(root: Path) -> tuple[str, int, str]:
    line = insert_before_versions(root, "docs/nouveautes.md", "## Version de mars\n\n- [Note](note.md) : essai.")
    return "docs/nouveautes.md", line, "titre « ## Version de mars » non reconnu"


def _changelog_untranslated(root: Path) -> tuple[str, int, str]:
    line = insert_before_versions(root, "docs/nouveautes.md",
                                  "## Version 99.0 — 1 avril 2009\n\n- [Note](note.md) : essai.")
    return "docs/nouveautes.md", line, "la version 99.0 n'est pas dans docs/nouveautes.en.md"


def _set_header_line(root: Path, name: str, key: str, line: str | None) -> int:
    """Replace (or remove, ``line`` None) the ``key:`` line of a page's header; the 1-based line it was at."""
    path = root / name
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, text in enumerate(lines) if text.startswith(f"{key}:"))
    if line is None:
        del lines[at]
    else:
        lines[at] = line
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


def _provenance_missing(root: Path) -> tuple[str, int, str]:
    _set_header_line(root, "docs/methode.md", "provenance", None)
    closing = (root / "docs" / "methode.md").read_text(encoding="utf-8").split("\n").index("---", 1)
    return "docs/methode.md", closing + 1, "ligne « provenance: » absente de l'en-tête de la page"


def _provenance_unknown(root: Path) -> tuple[str, int, str]:
    line = _set_header_line(root, "docs/methode.md", "provenance", "provenance: bidon")
    return "docs/methode.md", line, "provenance « bidon » inconnue"


def _provenance_wrong(root: Path) -> tuple[str, int, str]:
    line = _set_header_line(root, "docs/fiche-1.en.md", "provenance", "provenance: edition")
    return "docs/fiche-1.en.md", line, "provenance « edition » inexacte pour cette page"


def _header_key_in_french(root: Path) -> tuple[str, int, str]:
    path = root / "docs" / "methode.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(1, "titre: Méthode d'animation")
    path.write_text("\n".join(lines), encoding="utf-8")
    return "docs/methode.md", 2, "clé « titre » inconnue dans l'en-tête"


def _changelog_english_only(root: Path) -> tuple[str, int, str]:
    line = insert_before_versions(root, "docs/nouveautes.en.md",
                                  "## Version 98.0 — 1 April 2009\n\n- [Note](note.en.md): test.")
    return "docs/nouveautes.en.md", line, "la version 98.0 n'est pas dans docs/nouveautes.md"


def _not_utf8(root: Path) -> tuple[str, int, str]:
    (root / "docs" / "methode.md").write_bytes("# Méthode d'animation\n\nÉlus.\n".encode("cp1252"))
    return "docs/methode.md", 1, "fichier qui n'est pas enregistré en UTF-8"


SLIPS: dict[str, Callable[[Path], tuple[str, int, str]]] = {
    "appel de note sans note": _footnote_call,
    "note jamais appelée": _footnote_unused,
    "encadré sans guillemet fermant": _box_unclosed,
    "encadré dont le texte n'est pas en retrait": _box_not_indented,
    "sous-liste à deux espaces": _sublist_two_spaces,
    "liste sans ligne vide avant": _list_glued,
    "case de tableau manquante": _table_cell_missing,
    "lien vers une page absente": _link_missing_page,
    "lien vers une section absente": _link_missing_anchor,
    "page absente du menu": _page_not_in_nav,
    "menu vers une page absente": _nav_to_missing_page,
    "libellé anglais oublié dans translate_nav": _english_label_missing,
    "sigle sans développement anglais": _acronym_without_english,
    "sigle absent du glossaire": _acronym_not_in_glossary,
    "sigle inconnu": _acronym_unknown,
    "deux-points dans mkdocs.yml": _yaml_colon,
    "retrait dans mkdocs.yml": _yaml_indent,
    "deux-points dans l'en-tête d'une page": _front_matter,
    "titre de version mal écrit": _changelog_heading,
    "version non traduite": _changelog_untranslated,
    "fichier enregistré en Windows-1252": _not_utf8,
    "provenance absente": _provenance_missing,
    "provenance inconnue": _provenance_unknown,
    "provenance inexacte": _provenance_wrong,
    "clé d'en-tête en français": _header_key_in_french,
    "version anglaise sans version française": _changelog_english_only,
}


@pytest.mark.parametrize("slip", list(SLIPS))
def test_slip_is_reported_at_its_line_in_french(kit: Path, slip: str) -> None:
    path, line, problem = SLIPS[slip](kit)
    found = reported(kit)
    at_line = [message for message in found if message.startswith(f"{path}:{line} : ")]
    assert any(problem in message for message in at_line), f"attendu {path}:{line} « {problem} », lu :\n" + \
        "\n".join(found)
    for message in found:
        assert REPORT_LINE.match(message), message


def test_every_slip_is_reported_at_once(kit: Path) -> None:
    """An editor learns every problem in one run, not one per attempt."""
    expected = [make(kit) for name, make in SLIPS.items()
                if name not in ("deux-points dans mkdocs.yml", "retrait dans mkdocs.yml",
                                "sigle absent du glossaire", "deux-points dans l'en-tête d'une page",
                                "version non traduite", "fichier enregistré en Windows-1252",
                                "provenance absente", "provenance inconnue", "clé d'en-tête en français",
                                "version anglaise sans version française")]
    found = reported(kit)
    for path, line, problem in expected:
        assert any(m.startswith(f"{path}:{line} : ") and problem in m for m in found), (path, line, problem)


# The command line -------------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(VERIFIER), *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONPATH": ""})


def test_cli_exit_codes_and_report(kit: Path) -> None:
    clean = run("--racine", str(kit))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "aucun problème" in clean.stdout
    _footnote_call(kit)
    _box_not_indented(kit)
    dirty = run("--racine", str(kit))
    assert dirty.returncode == 1
    lines = dirty.stdout.strip().split("\n")
    assert all(REPORT_LINE.match(line) for line in lines[:-1]), lines
    # Counts written as French typography wants them (kit.french.plural: a no-break space).
    assert lines[-1].replace("\xa0", " ").startswith("2 problèmes dans 2 fichiers : corrigez les lignes indiquées")


@pytest.mark.parametrize("args", [["--racine", "/nulle/part"], ["--inconnu"]])
def test_cli_usage_errors_exit_2_in_french(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "verifier.py :" in result.stderr
    assert "Traceback" not in result.stderr


def test_received_files_are_kept_out_of_git() -> None:
    """The README tells editors to keep the prefectures' files (with their contact column) in recu/."""
    for name in ("recu/calvados.xlsx", "recu/sous-dossier/loire-atlantique.csv"):
        ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
        assert ignored.returncode == 0, f"{name} n'est pas ignoré par git"


def test_generated_folders_match_the_modules_that_fill_them() -> None:
    from kit.calendar.locations import SECTION
    from kit.campaign.page import PROGRESS_SECTION
    from kit.documents.registry import OUTPUT_DIR
    from kit.editorial.links import GENERATED

    assert set(GENERATED) == {SECTION, PROGRESS_SECTION, OUTPUT_DIR}


# MkDocs' own warnings, through the plugin ----------------------------------------------------------

def test_mkdocs_warnings_are_said_in_french_at_their_line(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Accueil\n\nTexte.\n\nVoir [la page](absente.md) et [ici](autre.md#rien).\n",
                                   encoding="utf-8")
    (docs / "autre.md").write_text("# Autre\n", encoding="utf-8")
    (docs / "orpheline.md").write_text("# Orpheline\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Essai\n"
        "plugins:\n  - kit-messages\n"
        "validation:\n  omitted_files: warn\n  anchors: warn\n"
        "nav:\n  - Accueil: index.md\n  - Autre: autre.md\n  - Manque: manque.md\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                            cwd=tmp_path, capture_output=True, text=True, check=False,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    log = result.stderr
    assert "docs/index.md:5 : lien vers une page qui n'existe pas : « absente.md »" in log, log
    assert "docs/index.md:5 : lien vers une section « #rien » absente de autre.md" in log, log
    assert "mkdocs.yml:10 : le menu mène à une page qui n'existe pas : « manque.md »" in log, log
    assert "docs/orpheline.md:1 : page absente du menu du site" in log, log
    assert "is not found among documentation files" not in log
    # The level is kept: strict mode still counts these as warnings.
    assert log.count("WARNING") >= 4


def test_a_strict_build_that_stops_says_so_in_french(tmp_path: Path) -> None:
    """What « make build » runs (mkdocs build --strict): still exit 1, its last line in French."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Accueil\n\nVoir [la page](absente.md).\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Essai\nplugins:\n  - kit-messages\n", encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([*command, "--strict"], cwd=tmp_path, capture_output=True, text=True, check=False,
                            env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "docs/index.md:3 : lien vers une page qui n'existe pas : « absente.md »" in result.stderr
    assert result.stdout.strip().split("\n")[-1] == (
        "Le site n'a pas été construit : corrigez d'abord ce que signalent les lignes ci-dessus "
        "(1 avertissement), puis relancez la construction. Le mode strict s'arrête au moindre avertissement, "
        "pour ne jamais publier une page en défaut.")
    assert "Aborted" not in result.stdout + result.stderr
    # Without --strict the same page is built, with its warning; MkDocs' progress lines are French too.
    lenient = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False, env=env)
    assert lenient.returncode == 0 and (tmp_path / "site" / "index.html").is_file()
    assert f"Construction du site dans {tmp_path / 'site'}" in lenient.stderr, lenient.stderr
    assert re.search(r"Site construit en \d+,\d+ s", lenient.stderr), lenient.stderr
    assert "Documentation built" not in lenient.stderr and "Building documentation" not in lenient.stderr


def test_the_server_says_in_french_that_a_rebuild_failed(tmp_path: Path) -> None:
    """make serve: MkDocs' live-reload server logs this error after a rebuild that stopped."""
    from kit.editorial.mkdocs_messages import FrenchMessages

    record = logging.LogRecord(
        "mkdocs.livereload", logging.ERROR, __file__, 1,
        "An error happened during the rebuild. The server will appear stuck until build errors are resolved.",
        None, None)
    assert FrenchMessages(tmp_path / "docs", tmp_path / "mkdocs.yml").filter(record)
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith("la reconstruction a échoué : le serveur garde les pages d'avant")


def test_the_server_says_in_french_where_it_serves_and_when_it_reloads(tmp_path: Path) -> None:
    from kit.editorial.mkdocs_messages import FrenchMessages

    said = {}
    for message in ("Serving on http://127.0.0.1:8000/kit/", "Detected file changes", "Reloading browsers",
                    "Watching paths for changes: 'docs', 'mkdocs.yml'"):
        record = logging.LogRecord("mkdocs.livereload", logging.INFO, __file__, 1, message, None, None)
        assert FrenchMessages(tmp_path / "docs", tmp_path / "mkdocs.yml").filter(record)
        said[message] = record.getMessage()
    assert said["Serving on http://127.0.0.1:8000/kit/"] == "Kit servi à l'adresse http://127.0.0.1:8000/kit/"
    assert said["Detected file changes"] == "Modification détectée"
    assert said["Reloading browsers"] == "Page rechargée dans le navigateur"
    assert said["Watching paths for changes: 'docs', 'mkdocs.yml'"].startswith("Modifications surveillées dans")


def test_the_server_lines_that_start_with_the_time_are_in_french_too(tmp_path: Path) -> None:
    from kit.editorial.mkdocs_messages import FrenchMessages

    # mkdocs.livereload writes the time before its own lines.
    for message, french in (("[18:21:03] Detected file changes", "[18:21:03] Modification détectée"),
                            ("[18:21:03] Serving on http://127.0.0.1:8000/", "[18:21:03] Kit servi à l'adresse "
                             "http://127.0.0.1:8000/"),
                            ("[18:21:04] Browser connected: http://127.0.0.1:8000/note/",
                             "[18:21:04] Navigateur connecté : http://127.0.0.1:8000/note/")):
        record = logging.LogRecord("mkdocs.livereload", logging.INFO, __file__, 1, message, None, None)
        assert FrenchMessages(tmp_path / "docs", tmp_path / "mkdocs.yml").filter(record)
        assert record.getMessage() == french


def test_every_way_a_build_stops_is_said_in_french() -> None:
    from kit.editorial.mkdocs_messages import french_abort

    assert "(1 avertissement et 2 erreurs)" in french_abort("Aborted with 1 warnings, 2 errors in strict mode!")
    assert french_abort("Aborted with a BuildError!").startswith("Le site n'a pas été construit : corrigez")
    assert french_abort("Something else") == "Something else"


def test_personal_data_under_data_is_refused(kit: Path) -> None:
    """data/ is committed and published: a contact column, an e-mail address or a phone number is a slip."""
    (kit / "data").mkdir()
    (kit / "data" / "forums.csv").write_text(
        "departement;date;commune;contact\n44;2009-04-14;Nantes;\n44;2009-04-20;Rezé;cabinet@pref44.example\n"
        "44;2009-04-21;Vertou;02 40 41 20 20\n", encoding="utf-8")
    (kit / "data" / "syntheses.csv").write_text("departement;recue_le;comptes_rendus;remarque\n"
                                                "44;2009-05-20;3;voir https://exemple.fr/a@b\n", encoding="utf-8")
    slips = [line for line in reported(kit) if line.startswith("data/")]
    assert [line.split(" : ")[0] for line in slips] == ["data/forums.csv:1", "data/forums.csv:3", "data/forums.csv:4"]
    assert "colonne « contact »" in slips[0] and "cabinet@pref44.example" in slips[1] and "02 40 41 20 20" in slips[2]
    assert all("recu/" in line for line in slips)


@pytest.mark.parametrize("name", ["calvados.csv", "recus/Manche.XLSX", "orne.ods", "vieux.xls", "eure.tsv"])
def test_a_spreadsheet_under_docs_is_refused_and_never_copied_into_the_site(kit: Path, name: str) -> None:
    from mkdocs.structure.files import File, Files

    from kit.site.calendar import drop_tables

    path = kit / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("departement;date;commune;contact\n14;2009-03-24;Caen;jeanne.martin@exemple.fr\n",
                    encoding="utf-8")
    [slip] = [line for line in reported(kit) if name in line]
    assert slip.startswith(f"docs/{name}:1 : tableur ou fichier CSV dans docs/") and "recu/" in slip
    files = Files([File(name, str(kit / "docs"), str(kit / "site"), use_directory_urls=True),
                   File("index.md", str(kit / "docs"), str(kit / "site"), use_directory_urls=True)])
    assert drop_tables(files) == [name]
    assert [file.src_uri for file in files] == ["index.md"]
