"""The calendar template for prefectures (XLSX and ODS): read back by ``forums.py check``, opened by LibreOffice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lxml.etree
import pytest

from clients.tools import convert, require
from conftest import PROJECT, ROOT
from kit.calendar.model import COLUMNS, MERGE_COLUMNS, REVISION_COLUMNS, STATUTS, load_campaign
from kit.calendar.read import read_calendar
from kit.documents import calendar_template
from kit.territory import load_territory

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
FORMATS = {"xlsx": calendar_template.template_xlsx, "ods": calendar_template.template_ods}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("modele")
    territory = load_territory(PROJECT.reference)
    paths = {}
    for suffix, make in FORMATS.items():
        path = folder / f"{calendar_template.SLUG}.{suffix}"
        path.write_bytes(make(territory))
        paths[suffix] = path
    return paths


def test_columns_are_the_models_less_those_merge_fills() -> None:
    columns = calendar_template.template_columns()
    assert columns == [c for c in COLUMNS if c not in MERGE_COLUMNS]
    assert set(REVISION_COLUMNS) <= set(MERGE_COLUMNS)
    # The provenance is set by `merge` (« préfecture »): a prefecture does not fill it; it copies an id back.
    assert "provenance" not in columns and "id" in columns and "participants" in columns


@pytest.mark.gate
def test_every_column_has_its_own_help() -> None:
    generic = calendar_template.help_for("une colonne inconnue")
    helps = {name: calendar_template.help_for(name) for name in calendar_template.template_columns()}
    assert [name for name, text in helps.items() if text == generic] == []
    assert len(set(helps.values())) == len(helps)
    assert "tenu" in helps["participants"]


@pytest.mark.gate
@pytest.mark.parametrize("suffix", list(FORMATS))
def test_check_reads_the_example_as_one_valid_forum(templates: dict[str, Path], suffix: str) -> None:
    calendar = read_calendar(templates[suffix], territory=load_territory(PROJECT.reference),
                             campaign=load_campaign(PROJECT.campaign_file))
    assert calendar.problems == []
    [forum] = calendar.forums
    example = calendar_template.EXAMPLE
    assert (forum.departement, forum.date, forum.heure_debut, forum.commune, forum.lieu, forum.statut) == (
        "44", example["date"], example["heure_debut"], example["commune"], example["lieu"], example["statut"])
    assert forum.provenance == "" and "provenance" not in forum.given  # `merge` will say « préfecture »


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_forums_check_command_accepts_the_template(templates: dict[str, Path], suffix: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "forums.py"), "check", str(templates[suffix])],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 forum dans 1 fichier, aucune erreur" in result.stdout + result.stderr


@pytest.mark.libreoffice
def test_template_opens_with_lists_and_help(templates: dict[str, Path], tmp_path: Path) -> None:
    require("libreoffice")
    territory = load_territory(PROJECT.reference)
    for path in convert(list(templates.values()), "fods", tmp_path):
        root = lxml.etree.parse(str(path)).getroot()
        validations = {v.get(f"{{{TABLE}}}name"): v for v in root.iter(f"{{{TABLE}}}content-validation")}
        conditions = " ".join(v.get(f"{{{TABLE}}}condition", "") for v in validations.values())
        assert ";".join(f'"{s}"' for s in STATUTS) in conditions, path.name
        assert "Listes" in conditions, path.name  # the départements, from their sheet
        helps = {" ".join("".join(h.itertext()).split()) for h in root.iter(f"{{{TABLE}}}help-message")}
        for name in calendar_template.template_columns():
            assert calendar_template.help_for(name) in helps, (path.name, name)
        texts = {" ".join("".join(c.itertext()).split()) for c in root.iter(f"{{{TABLE}}}table-cell")}
        assert set(calendar_template.departement_choices(territory)) <= texts
        assert set(calendar_template.template_columns()) <= texts


def test_page_lists_the_models_columns(site: Path) -> None:
    """« Envoyer le calendrier à la DICOM » lists the template's columns, taken from the model."""
    import lxml.html

    from conftest import page

    tree = lxml.html.fromstring(page(site, "envoi-calendrier/"))
    names = [code.text_content() for code in tree.xpath("//table//tr/td[1]/code")]
    assert names == calendar_template.template_columns()
    links = tree.xpath('//a[contains(@class, "kit-fichier")]/@href')
    assert sorted(links) == sorted(f"../documents/{calendar_template.SLUG}.{suffix}" for suffix in FORMATS)
