"""Calendar files small on disk and large once read: the shapes a reader must refuse or read within bounds.

Each maker writes one file into a folder and returns its path; ``SHAPES``
lists them with the format whose memory figure (README, « Mémoire ») they are
held to and what `forums.py check` must say. Used by the memory tests
(``tests/test_forums_memory.py``) and by ``tools/kitdev/bench.py --limites``.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
import struct
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from workbooks import write_sparse_xlsx

HEADER = ["departement", "date", "heure_debut", "commune", "lieu"]
FORUM = ["14", "15/04/2009", "18:00", "Caen", "salle des fêtes"]
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
             '<manifest:file-entry manifest:full-path="/" '
             'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             "</manifest:manifest>")


def ods_row(cells: list[str], repeat: int = 1) -> str:
    body = "".join(f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p></table:table-cell>'
                   for cell in cells)
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>{body}</table:table-row>"


def ods_wide_row(text: str, columns: int, repeat: int) -> str:
    """``repeat`` rows of ``columns`` cells holding ``text``, as one element of one cell."""
    return (f'<table:table-row table:number-rows-repeated="{repeat}"><table:table-cell '
            f'table:number-columns-repeated="{columns}" office:value-type="string"><text:p>{text}</text:p>'
            "</table:table-cell></table:table-row>")


def write_ods(path: Path, *tables: str) -> Path:
    """An .ods whose sheets hold the given rows (each table: its rows' XML)."""
    body = "".join(f'<table:table table:name="Feuille{n}">{rows}</table:table>' for n, rows in enumerate(tables, 1))
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NAMESPACES} '
               f'office:version="1.2"><office:body><office:spreadsheet>{body}</office:spreadsheet>'
               "</office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        archive.writestr("content.xml", content, compresslevel=9)
    return path


def _forum_xlsx(path: Path) -> Path:
    return write_sparse_xlsx(path, [list(enumerate(HEADER, 1)), list(enumerate(FORUM, 1))])


def _add_zeros(path: Path, name: str, size: int) -> Path:
    """Entry ``name`` of ``size`` zero bytes added to the archive ``path`` (about 4 Mio a Gio compressed: the
    fastest level of Deflate, twice as fast as the default one for a file four times larger)."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        if name in archive.namelist():
            raise ValueError(name)
        with archive.open(name, "w", force_zip64=True) as entry:
            chunk = bytes(1 << 20)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return path


@contextmanager
def without_entry(path: Path, name: str) -> Iterator[zipfile.ZipFile]:
    """The archive ``path`` rewritten without its entry ``name``, open to take more entries."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist() if info.filename != name]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
        yield archive


def _rewritten(path: Path, name: str, content: bytes) -> Path:
    """The archive ``path`` with entry ``name`` replaced by ``content``."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, content if info.filename == name else data)
    return path


# The shapes -------------------------------------------------------------------

def ods_second_sheet_huge(folder: Path) -> Path:
    """A valid first sheet, then a second of 10⁶ rows × 40 cells × 2,000 characters (under 1 Kio zipped)."""
    return write_ods(folder / "deuxieme-feuille.ods", ods_row(HEADER) + ods_row(FORUM),
                     ods_wide_row("A" * 2000, 40, 1_000_000))


def ods_first_sheet_at_limits(folder: Path) -> Path:
    """A first sheet within every limit: 49,999 repeated rows × 40 cells × 2,000 characters."""
    return write_ods(folder / "premiere-feuille.ods", ods_row(HEADER) + ods_wide_row("B" * 2000, 40, 49_999))


def ods_long_cells_everywhere(folder: Path) -> Path:
    """49,999 repeated rows × 40 cells of 2,001 characters: every cell too long."""
    return write_ods(folder / "cases-trop-longues.ods", ods_row(HEADER) + ods_wide_row("G" * 2001, 40, 49_999))


def ods_too_many_repeated_rows(folder: Path) -> Path:
    """10⁶ repeated rows of 40 cells of 100 characters in the first sheet."""
    return write_ods(folder / "lignes-repetees.ods", ods_row(HEADER) + ods_wide_row("C" * 100, 40, 1_000_000))


def ods_after_the_last_row(folder: Path) -> Path:
    """A forum below 1,048,576 empty rows: never dropped."""
    return write_ods(folder / "apres-la-derniere-ligne.ods",
                     ods_row(HEADER) + ods_row([""], 1_048_576) + ods_row(FORUM))


def ods_deep_nesting(folder: Path) -> Path:
    """Twenty million nested elements inside the first table (60 Ko zipped)."""
    path = write_ods(folder / "imbrication.ods", ods_row(HEADER))
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    head = entries.pop("content.xml").split(b"</table:table>", 1)[0]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data,
                             compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
        with archive.open("content.xml", "w") as content:
            content.write(head)
            for _ in range(20):
                content.write(b"<a>" * 1_000_000)
    return path


def xlsx_after_the_last_row(folder: Path) -> Path:
    """A forum at row 1,048,577 (no spreadsheet has such a row)."""
    path = _forum_xlsx(folder / "ligne-1048577.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    return _rewritten(path, "xl/worksheets/sheet1.xml", re.sub(rb'r="([A-Z]*)2"', rb'r="\g<1>1048577"', sheet))


def xlsx_first_sheet_at_limits(folder: Path) -> Path:
    """49,999 rows × 40 cells sharing one text of 2,000 characters (within every limit)."""
    path = _forum_xlsx(folder / "premiere-feuille.xlsx")
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    head, tail = entries.pop("xl/worksheets/sheet1.xml").split(b"</sheetData>")
    entries["xl/_rels/workbook.xml.rels"] = entries["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    entries["xl/sharedStrings.xml"] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                       b"<si><t>" + b"E" * 2000 + b"</t></si></sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(head.split(b'<row r="2">')[0])
            row = b'<c t="s"><v>0</v></c>' * 40
            for number in range(2, 50_001):
                sheet.write(b'<row r="%d">%s</row>' % (number, row))
            sheet.write(b"</sheetData>" + tail)
    return path


def xlsx_huge_mimetype(folder: Path) -> Path:
    """A valid workbook with a `mimetype` entry that unpacks to 1 Gio."""
    return _add_zeros(_forum_xlsx(folder / "mimetype-1-gio.xlsx"), "mimetype", 1 << 30)


def xlsx_huge_relationships(folder: Path) -> Path:
    """A workbook whose `xl/_rels/workbook.xml.rels` unpacks to 1 Gio."""
    path = _forum_xlsx(folder / "relations-1-gio.xlsx")
    with without_entry(path, "xl/_rels/workbook.xml.rels"):
        pass
    return _add_zeros(path, "xl/_rels/workbook.xml.rels", 1 << 30)


def xlsx_hidden_shared_strings(folder: Path) -> Path:
    """400 Mio of shared texts stored under another name (`xl/strings.bin`), found by the relationships."""
    path = _forum_xlsx(folder / "textes-400-mio.xlsx")
    return _add_zeros(path, "xl/strings.bin", 400 << 20)


def xlsx_lying_sizes(folder: Path) -> Path:
    """A sheet that declares 100 bytes and unpacks to 200 Mio (its sizes rewritten in the archive)."""
    name = "xl/worksheets/sheet1.xml"
    path = _forum_xlsx(folder / "taille-mensongere.xlsx")
    with without_entry(path, name):
        pass
    _add_zeros(path, name, 200 << 20)
    data = bytearray(path.read_bytes())
    for signature, header, length_at, size_at in ((b"PK\x01\x02", 46, 28, 24), (b"PK\x03\x04", 30, 26, 22)):
        start = data.find(signature)
        while start != -1:
            name_length, extra_length = struct.unpack_from("<HH", data, start + length_at)
            if data[start + header:start + header + name_length] == name.encode():
                struct.pack_into("<I", data, start + size_at, 100)
                extra_at = start + header + name_length
                # The zip64 field carries the sizes that do not fit: made to lie as well.
                if data[extra_at:extra_at + 2] == b"\x01\x00" and extra_length >= 12:
                    struct.pack_into("<Q", data, extra_at + 4, 100)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    return path


def xlsx_one_wide_row(folder: Path) -> Path:
    """One row of 6 million filled cells, 90 Mio unpacked (a few hundred Kio zipped)."""
    path = _forum_xlsx(folder / "ligne-large.xlsx")
    with zipfile.ZipFile(path) as archive:
        head, tail = archive.read("xl/worksheets/sheet1.xml").split(b"</sheetData>")
    with without_entry(path, "xl/worksheets/sheet1.xml") as archive, \
            archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
        sheet.write(head + b'<row r="3">')
        cells = b"<c><v>1</v></c>" * 100_000
        for _ in range(60):
            sheet.write(cells)
        sheet.write(b"</row></sheetData>" + tail)
    return path


def csv_blank_lines(folder: Path) -> Path:
    """19 Mio of blank lines between the header and a forum."""
    path = folder / "lignes-vides.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(";".join(HEADER) + "\n")
        out.write("\n" * (19 << 20))
        out.write(";".join(FORUM) + "\n")
    return path


def csv_mixed_encodings(folder: Path) -> Path:
    """Six million short lines of UTF-8, then one byte of Windows-1252: refused at its line."""
    path = folder / "encodages-melanges.csv"
    with path.open("wb") as out:
        out.write(";".join(HEADER).encode() + b"\n" + b"ab\n" * 6_000_000 + "é".encode() + b"\xe9\n")
    return path


def csv_long_cells(folder: Path) -> Path:
    """Cells of 2,000 characters in every field: each message quotes at most 30 of them."""
    path = folder / "cases-longues.csv"
    long_row = ";".join(["D" * 2000] * len(HEADER))
    with path.open("w", encoding="utf-8") as out:
        out.write(";".join(HEADER) + "\n")
        for _ in range(2000):
            out.write(long_row + "\n")
    return path


def xlsx_encrypted_entry(folder: Path) -> Path:
    """A workbook whose sheet is flagged encrypted."""
    return _flag(_forum_xlsx(folder / "chiffre.xlsx"), b"xl/worksheets/sheet1.xml", flags=0x1)


def ods_compression_method_9(folder: Path) -> Path:
    """An .ods whose content.xml says it is compressed with Deflate64 (method 9)."""
    path = write_ods(folder / "methode-9.ods", ods_row(HEADER) + ods_row(FORUM))
    return _flag(path, b"content.xml", method=9)


def ods_corrupted_stream(folder: Path) -> Path:
    """An .ods whose content.xml's deflate stream is damaged in its middle."""
    path = write_ods(folder / "flux-abime.ods", ods_row(HEADER) + ods_row(FORUM) * 200)
    data = bytearray(path.read_bytes())
    start = data.find(b"content.xml", 0) + len(b"content.xml")
    for offset in range(start + 40, start + 80):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def _flag(path: Path, name: bytes, *, flags: int = 0, method: int | None = None) -> Path:
    """The archive ``path`` with entry ``name``'s flag bits or compression method rewritten."""
    data = bytearray(path.read_bytes())
    for signature, header, length_at, flags_at, method_at in ((b"PK\x01\x02", 46, 28, 8, 10),
                                                              (b"PK\x03\x04", 30, 26, 6, 8)):
        start = data.find(signature)
        while start != -1:
            name_length = struct.unpack_from("<H", data, start + length_at)[0]
            if data[start + header:start + header + name_length] == name:
                old = struct.unpack_from("<H", data, start + flags_at)[0]
                struct.pack_into("<H", data, start + flags_at, old | flags)
                if method is not None:
                    struct.pack_into("<H", data, start + method_at, method)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    return path


# Files at the limits (tools/kitdev/bench.py --limites measures them; too slow to check in every test run) ----

_WIDE_HEADER = HEADER + [f"colonne{n}" for n in range(35)]


def csv_widest(folder: Path) -> Path:
    """49,999 rows × 40 distinct short cells (a character outside the BMP in the header: 4 bytes a
    character once decoded)."""
    path = folder / "quarante-colonnes.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(";".join(_WIDE_HEADER).replace("colonne34", "colonne\U0001f600") + "\n")
        for row in range(49_999):
            out.write(";".join(f"v{row * 40 + column:07d}" for column in range(40)) + "\n")
    return path


def xlsx_widest(folder: Path) -> Path:
    """49,999 rows × 40 cells, each a distinct shared text: the unpacked limit nearly reached."""
    path = write_sparse_xlsx(folder / "quarante-colonnes.xlsx", [list(enumerate(_WIDE_HEADER, 1))])
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    head, tail = entries.pop("xl/worksheets/sheet1.xml").split(b"</sheetData>")
    entries["xl/_rels/workbook.xml.rels"] = entries["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w") as texts:
            texts.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for number in range(49_999 * 40):
                texts.write(b"<si><t>v%07d</t></si>" % number)
            texts.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(head)
            for row in range(49_999):
                sheet.write(b'<row r="%d">' % (row + 2) + b"".join(b'<c t="s"><v>%d</v></c>' % (row * 40 + column)
                                                                for column in range(40)) + b"</row>")
            sheet.write(b"</sheetData>" + tail)
    return path


def ods_widest(folder: Path) -> Path:
    """37,000 rows × 40 distinct short cells, written as briefly as OpenDocument allows: 94 Mo unpacked."""
    rows = "".join("<table:table-row>" + "".join(f"<table:table-cell><text:p>v{row * 40 + column:07d}</text:p>"
                                                  "</table:table-cell>" for column in range(40))
                   + "</table:table-row>" for row in range(37_000))
    return write_ods(folder / "quarante-colonnes.ods", ods_row(_WIDE_HEADER) + rows)


AT_LIMITS: tuple[tuple[str, str, Callable[[Path], Path]], ...] = (
    ("CSV", "49 999 lignes × 40 cases distinctes, UTF-8 hors du plan de base", csv_widest),
    (".xlsx", "49 999 lignes × 40 textes partagés distincts", xlsx_widest),
    (".ods", "37 000 lignes × 40 cases distinctes (94 Mo décompressé)", ods_widest),
)


@dataclass(frozen=True)
class Shape:
    """A hostile file, the format whose memory figure holds it, and what `check` must print."""

    make: Callable[[Path], Path]
    fmt: str  # "CSV", ".xlsx", ".xls", ".ods"
    label: str  # what it is, in French (tools/kitdev/bench.py --limites prints it)
    expected: str  # a piece of the output (stdout and stderr)
    accepted: bool = False  # read to the end and valid


# Made once, kept between test runs: the files are a few seconds' work each (a gigabyte of zeros to
# compress) and depend only on this module and on workbooks.py, whose contents name the folder.
_KEPT = Path(__file__).resolve().parents[1] / ".cache" / "tests" / "fichiers-hostiles"


def kept(make: Callable[[Path], Path]) -> Path:
    """The file ``make`` writes, made once per version of the generators (read it, never change it)."""
    source = b"".join((Path(__file__).parent / name).read_bytes() for name in ("hostile_files.py", "workbooks.py"))
    folder = _KEPT / hashlib.sha256(source).hexdigest()[:16] / make.__name__
    done = folder / "fait"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_suffix(".lock"), "w") as lock:  # two test runs at once make it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            made = make(folder)
            done.write_text(made.name, encoding="utf-8")
    return folder / done.read_text(encoding="utf-8")


SHAPES: tuple[Shape, ...] = (
    Shape(ods_second_sheet_huge, ".ods", "2e feuille de 10⁶ lignes × 40 cases × 2 000 caractères", "1 forum", accepted=True),
    Shape(ods_first_sheet_at_limits, ".ods", "1re feuille aux limites : 49 999 lignes × 40 cases × 2 000 caractères", "erreur"),
    Shape(ods_long_cells_everywhere, ".ods", "49 999 lignes × 40 cases de 2 001 caractères",
          "cellules A, B, C"),
    Shape(ods_too_many_repeated_rows, ".ods", "10⁶ lignes répétées de 40 cases", "plus de 50\u202f000 lignes remplies"),
    Shape(ods_after_the_last_row, ".ods", "un forum sous 1 048 576 lignes vides", "apres-la-derniere-ligne.ods:1048578: erreur : valeur à la ligne"),
    Shape(ods_deep_nesting, ".ods", "20 millions de balises imbriquées", "balises imbriquées"),
    Shape(xlsx_after_the_last_row, ".xlsx", "un forum à la ligne 1 048 577", "ligne-1048577.xlsx:1048577: erreur : valeur à la ligne"),
    Shape(xlsx_first_sheet_at_limits, ".xlsx", "49 999 lignes × 40 cases d'un texte partagé de 2 000 caractères",
          "erreur"),
    Shape(xlsx_huge_mimetype, ".xlsx", "élément « mimetype » de 1 Gio décompressé", "trop volumineux une fois décompressé"),
    Shape(xlsx_huge_relationships, ".xlsx", "relations du classeur de 1 Gio décompressé", "trop volumineux une fois décompressé"),
    Shape(xlsx_hidden_shared_strings, ".xlsx", "400 Mio de textes sous un autre nom", "trop volumineux une fois décompressé"),
    Shape(xlsx_lying_sizes, ".xlsx", "feuille qui annonce 100 octets et en donne 200 Mio", "taille-mensongere.xlsx: erreur : classeur"),
    Shape(xlsx_one_wide_row, ".xlsx", "une ligne de 6 millions de cases", "ligne-large.xlsx:3: erreur : valeur dans la colonne AO"),
    Shape(csv_blank_lines, "CSV", "19 Mio de lignes vides", "1 forum", accepted=True),
    Shape(csv_mixed_encodings, "CSV", "6 millions de lignes puis un octet Windows-1252",
          "encodages-melanges.csv:6000002: erreur : octet 0xE9 illisible en UTF-8"),
    Shape(csv_long_cells, "CSV", "2 000 lignes de cases de 2 000 caractères", "erreur"),
    Shape(xlsx_encrypted_entry, ".xlsx", "élément chiffré", "chiffre.xlsx: erreur : classeur protégé par un mot de passe"),
    Shape(ods_compression_method_9, ".ods", "compression de méthode 9", "methode-9.ods: erreur : classeur compressé d'une façon"),
    Shape(ods_corrupted_stream, ".ods", "flux compressé abîmé", "flux-abime.ods: erreur : classeur abîmé"),
)

