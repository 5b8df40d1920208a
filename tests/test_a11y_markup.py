"""Accessibility fixes on the HTML, and in the built site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kit.a11y import label_task_checkboxes, plain_text

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
    if not checked:
        pytest.skip("aucune liste de tâches dans le site")
