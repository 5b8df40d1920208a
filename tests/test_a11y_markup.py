"""Accessibility fixes on the HTML, and in the built site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from kit.html.a11y import label_task_checkboxes, plain_text

ITEM = ('<li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled/>'
        '<span class="task-list-indicator"></span></label> {text}</li>')


def test_checkbox_named_after_its_item() -> None:
    html = ITEM.format(text="Réserver la <strong>salle</strong> &amp; le matériel")
    assert 'aria-label="Réserver la salle &amp; le matériel"' in label_task_checkboxes(html)


def test_nested_list_is_not_part_of_the_name() -> None:
    html = ITEM.format(text='Inviter : <ul><li class="task-list-item">les élus</li></ul>')
    fixed = label_task_checkboxes(html)
    assert 'aria-label="Inviter :"' in fixed
    assert "élus" not in fixed.split("aria-label=")[1].split('"')[1]


@pytest.mark.parametrize("html", [
    ITEM.format(text="").replace(" {text}", ""),
    ITEM.replace("<input ", '<input aria-label="déjà" ').format(text="Texte"),
    "<li>pas une tâche</li>",
])
def test_left_alone(html: str) -> None:
    assert label_task_checkboxes(html) == html


def test_quotes_are_escaped() -> None:
    fixed = label_task_checkboxes(ITEM.format(text='Dire « oui » et "non"'))
    assert 'aria-label="Dire « oui » et &quot;non&quot;"' in fixed


def test_plain_text() -> None:
    assert plain_text("<p>a <em>b</em>\n  c&#160;d</p>") == "a b c\xa0d"


def test_every_task_checkbox_of_the_site_has_a_name(site: Path) -> None:
    checked = 0
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        for tag in re.findall(r'<label class="task-list-control">\s*(<input[^>]*>)', text):
            checked += 1
            assert re.search(r'aria-label="[^"]+"', tag), (
                f"{html_file.relative_to(site)} : case à cocher sans nom : {tag}")
    assert checked, "aucune liste de tâches dans le site : ce test ne vérifierait rien"


def test_every_page_links_to_the_accessibility_statement(site: Path) -> None:
    """RGAA: the statement is reachable from every page, in its footer, and the link works."""
    pages = [p for p in site.rglob("index.html") if "assets" not in p.parts]
    assert len(pages) > 3
    for html_file in pages:
        text = html_file.read_text(encoding="utf-8")
        footer = re.search(r'<nav class="kit-footer"[^>]*>(.*?)</nav>', text, re.S)
        assert footer, f"{html_file.relative_to(site)} : pas de lien vers la déclaration d'accessibilité"
        href = re.search(r'href="([^"]+)"', footer.group(1)).group(1)
        target = (html_file.parent / href / "index.html").resolve()
        assert target.is_file() and target.parent.name.startswith("accessibilite"), (
            f"{html_file.relative_to(site)} : lien {href!r} vers une page absente")
        link = re.search(r"<a [^>]*>(.*?)</a>", footer.group(1), re.S)
        assert link, f"{html_file.relative_to(site)} : le pied de page n'a pas de lien"
        label = " ".join(re.sub(r"<[^>]+>", "", link.group(1)).replace("&nbsp;", " ").split())
        assert label.replace("\xa0", " ") in {"Accessibilité : partiellement conforme",
                                               "Accessibility: partially compliant",
                                               "Accessibility: partially compliant (statement in French)"}


@pytest.mark.parametrize("url", ["accessibilite/", "accessibilite.en/"])
def test_statement_says_what_rgaa_requires(site: Path, url: str) -> None:
    assert (site / url / "index.html").is_file(), f"{url} n'est pas construite"
    # The text as read, whatever inline markup editors add (an acronym becomes <abbr>RGAA</abbr>).
    root = lxml_html.fromstring((site / url / "index.html").read_text(encoding="utf-8"))
    text = " ".join(root.xpath("//body")[0].text_content().replace("\xa0", " ").split())
    english = url.endswith(".en/")
    for expected in (["RGAA, version 4.1", "WCAG 2.1", "partially compliant", "no full audit",
                      "axe-core", "keyboard", "Défenseur des droits", "Libre réponse 71120", "DICOM"]
                     if english else
                     ["RGAA), version 4.1", "WCAG 2.1", "partiellement conforme", "aucun audit complet",
                      "axe-core", "clavier", "Défenseur des droits", "Libre réponse 71120", "DICOM"]):
        assert expected in text, f"{url} : « {expected} » manque"
    # The contact is either still the marked placeholder, or a real address filled in by the DICOM.
    assert ("à compléter" in text or "to be completed" in text) or re.search(r"[\w.-]+@[\w.-]+\.\w+", text)


def test_every_page_has_its_own_title(site: Path) -> None:
    """RGAA 8.5 and 8.6: a title on every page, and no two pages with the same one."""
    titles: dict[str, list[str]] = {}
    for html_file in site.rglob("*.html"):
        if html_file.name == "404.html":
            continue
        text = html_file.read_text(encoding="utf-8")
        head = text[: text.find("</head>")]
        found = re.search(r"<title>([^<]*)</title>", head)
        name = str(html_file.relative_to(site))
        assert found and found.group(1).strip(), f"{name} : page sans titre"
        titles.setdefault(found.group(1).strip(), []).append(name)
    same = {title: pages for title, pages in titles.items() if len(pages) > 1}
    assert not same, f"pages au même titre : {same}"
