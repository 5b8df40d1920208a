"""Files small on disk and large once read, checked under a memory cap: the README's figure for their format.

Each hostile shape (``tests/hostile_files.py``) is written by the test, then
`forums.py check` runs on it in a process whose address space is capped at
the figure the README states for its format (« Mémoire », measured with
``tools/kitdev/bench.py --limites``) plus 50 %: it must end with the French
refusal, or read the file, never abort or print a traceback.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hostile_files import (
    FORUM,
    HEADER,
    SHAPES,
    Shape,
    kept,
    ods_compression_method_9,
    ods_corrupted_stream,
    xlsx_encrypted_entry,
)
from kit.calendar import sheets
from workbooks import write_sparse_xlsx

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "forums.py"
_FIGURE = re.compile(r"^\| (CSV|`\.xlsx`|`\.xls`|`\.ods`) \| ([0-9\u202f ]+) Mio \|", re.M)


def readme_figures() -> dict[str, int]:
    """Format → the memory figure the README states for it, in Mio."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return {fmt.strip("`"): int(re.sub(r"\D", "", figure)) for fmt, figure in _FIGURE.findall(text)}


def test_the_readme_states_a_memory_figure_for_each_format() -> None:
    assert set(readme_figures()) == {"CSV", ".xlsx", ".xls", ".ods"}


def _capped(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def check_capped(path: Path, fmt: str, *args: str) -> subprocess.CompletedProcess[str]:
    cap = readme_figures()[fmt] * 3 // 2
    return subprocess.run([sys.executable, str(SCRIPT), *args, str(path)], cwd=ROOT, capture_output=True,
                          text=True, check=False, preexec_fn=lambda: _capped(cap))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.make.__name__)
def test_a_hostile_file_is_refused_or_read_within_its_formats_figure(tmp_path: Path, shape: Shape) -> None:
    path = kept(shape.make)
    assert path.stat().st_size <= sheets.MAX_FILE_BYTES
    result = check_capped(path, shape.fmt, "check")
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "Error" not in output, output[-2000:]
    assert result.returncode == (0 if shape.accepted else 1), output[-2000:]
    assert shape.expected in output, output[-2000:]
    # A message quotes at most 30 characters of a cell: no line comes near a cell's 2,000.
    assert max(len(line) for line in output.splitlines()) < 400


@pytest.mark.parametrize("make", [xlsx_encrypted_entry, ods_compression_method_9, ods_corrupted_stream])
def test_merge_names_the_received_file_in_french(tmp_path: Path, make: object) -> None:
    assert callable(make)
    path = make(tmp_path)
    into = tmp_path / "forums.csv"
    into.write_text(";".join(HEADER) + "\n", encoding="utf-8")
    result = check_capped(path, ".xlsx" if path.suffix == ".xlsx" else ".ods", "merge", "--into", str(into))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{path}: erreur : classeur" in result.stderr
    assert f"{into}: erreur" not in result.stderr and "password" not in result.stderr
    assert into.read_text(encoding="utf-8") == ";".join(HEADER) + "\n"


def _with_shared_texts(path: Path, target: str, texts: list[str]) -> Path:
    """``path`` rewritten so that its sheet's texts are shared texts stored at ``target``."""
    rows = [list(enumerate(HEADER, 1)), list(enumerate(FORUM, 1))]
    write_sparse_xlsx(path, rows)
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    sheet = entries["xl/worksheets/sheet1.xml"].decode()
    for index, text in enumerate(texts):
        sheet = sheet.replace(f't="inlineStr"><is><t>{text}</t></is></c>', f't="s"><v>{index}</v></c>', 1)
    entries["xl/worksheets/sheet1.xml"] = sheet.encode()
    entries["xl/_rels/workbook.xml.rels"] = entries["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="' + target.encode() + b'"/></Relationships>')
    entries["xl/" + target] = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                               + "".join(f"<si><t>{text}</t></si>" for text in texts) + "</sst>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_parts_are_found_by_the_relationships_whatever_their_names(tmp_path: Path) -> None:
    path = _with_shared_texts(tmp_path / "textes.xlsx", "textes.bin", [*HEADER, "Caen"])
    sheet = sheets.read_file(path)
    assert sheet.rows == [(1, HEADER), (2, FORUM)]


def test_a_document_type_or_a_huge_tag_is_refused(tmp_path: Path) -> None:
    path = write_sparse_xlsx(tmp_path / "dtd.xlsx", [list(enumerate(HEADER, 1))])
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    sheet = entries["xl/worksheets/sheet1.xml"]
    for name, content in (("dtd.xlsx", sheet.replace(b"?>\n", b'?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)),
                          ("balise.xlsx", sheet.replace(b"<sheetData>",
                                                        b'<sheetData a="' + b"x" * (3 << 20) + b'">', 1))):
        with zipfile.ZipFile(tmp_path / name, "w", zipfile.ZIP_DEFLATED) as archive:
            for entry, data in entries.items():
                archive.writestr(entry, content if entry == "xl/worksheets/sheet1.xml" else data)
        with pytest.raises(sheets.Unreadable) as refused:
            sheets.read_file(tmp_path / name)
        assert ("DOCTYPE" if name == "dtd.xlsx" else "balise de plus de") in str(refused.value)
