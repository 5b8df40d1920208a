"""The whole editorial check of a copy of the kit: pages, menu, acronyms, films."""

from __future__ import annotations

from pathlib import Path

from kit.editorial import acronyms
from kit.editorial.blocks import check_blocks
from kit.editorial.changes import check_changelog
from kit.editorial.films import check_films
from kit.editorial.frontmatter import check_front_matter
from kit.editorial.links import anchors, check_links
from kit.editorial.markdown import Page, read_page
from kit.editorial.nav import check_nav, read_config
from kit.editorial.personal import check_data
from kit.editorial.slips import Slip
from kit.publishing.received import RECEIVED_DIR, is_table_file


def check_tables(root: Path) -> list[Slip]:
    """Spreadsheets and CSV files under docs/: the build would publish them with the site."""
    docs = root / "docs"
    return [Slip(path=path.relative_to(root).as_posix(), line=1,
                 problem="tableur ou fichier CSV dans docs/ : il serait publié avec le site (un fichier reçu "
                         "d'une préfecture contient la colonne « contact »)",
                 fix=f"déplacez-le dans le dossier {RECEIVED_DIR}/, que git ignore (le calendrier se tient dans "
                     "data/forums.csv)")
            for path in sorted(docs.rglob("*")) if path.is_file() and is_table_file(path.name)]


def check_project(root: Path) -> list[Slip]:
    """Every slip of the kit at ``root``, in file and line order."""
    docs = root / "docs"
    pages: dict[str, Page] = {}
    for path in sorted(docs.rglob("*.md")):
        page = read_page(path, root)
        pages[page.uri] = page
    static = {path.relative_to(docs).as_posix() for path in docs.rglob("*") if path.suffix != ".md"}
    anchors_of = {uri: anchors(page) for uri, page in pages.items()}
    french, french_slips = acronyms.read_definitions(root, acronyms.FRENCH)
    english, english_slips = acronyms.read_definitions(root, acronyms.ENGLISH)
    common = acronyms.read_common(root)
    slips: list[Slip] = [*french_slips, *english_slips, *acronyms.check_definitions(french, english)]
    slips += acronyms.check_glossary(pages.get(acronyms.GLOSSARY), french)
    for page in pages.values():
        slips += page.slips
        slips += check_front_matter(page)
        slips += check_blocks(page)
        slips += check_links(page, pages, anchors_of, static)
        known = set(english.entries if page.english else french.entries) | common
        slips += acronyms.check_unknown(page, known)
    slips += check_changelog(root)
    config, config_slips = read_config(root)
    slips += config_slips
    slips += check_nav(config, set(pages))
    slips += check_films(root, config)
    slips += check_data(root)
    slips += check_tables(root)
    return sorted(set(slips), key=lambda slip: (slip.path, slip.line, slip.problem))
