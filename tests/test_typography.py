"""French typography rules, on strings and on the built site."""

from __future__ import annotations

import pytest

from kit.html.typography import NBSP, NNBSP, french_html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Objet : test", f"Objet{NBSP}: test"),
        ("deux sujets: la modernisation", f"deux sujets{NBSP}: la modernisation"),
        ("les victimes ; la facilitation", f"les victimes{NNBSP}; la facilitation"),
        ("un service à la personne ?", f"un service à la personne{NNBSP}?"),
        ("Attention!", f"Attention{NNBSP}!"),
        ("« la sécurité »", f"«{NBSP}la sécurité{NBSP}»"),
        ("plébiscitée par 78% des personnes", f"plébiscitée par 78{NNBSP}% des personnes"),
        ("78 % des personnes", f"78{NNBSP}% des personnes"),
    ],
)
def test_rules_in_text(source: str, expected: str) -> None:
    assert french_html(f"<p>{source}</p>") == f"<p>{expected}</p>"


@pytest.mark.parametrize(
    "untouched",
    [
        "<p>à 18:30 précises</p>",
        "<p>voir http://intranet.interieur/kit?page=1 pour tout</p>",
        "<pre><code>a : b ; c ?</code></pre>",
        "<p><code>x = 1 ; y = 2 ?</code></p>",
        '<p><a href="/a : b ; c ?" title="x : y">lien</a></p>',
        "<p>Sécurité &amp; libertés &#39;x&#39;</p>",
        "<script>var a = b ? c : d;</script>",
    ],
)
def test_never_inside_code_urls_attributes_or_entities(untouched: str) -> None:
    assert french_html(untouched) == untouched


def test_idempotent() -> None:
    once = french_html("<p>« Objet : 78% ; oui ! »</p>")
    assert french_html(once) == once
