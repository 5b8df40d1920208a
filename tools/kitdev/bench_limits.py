"""forums.py check on the largest files allowed and on hostile ones: time and peak memory (--limites)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kit.calendar.model import COLUMNS, Campaign, load_campaign
from kit.territory import Territory, load_territory
from kitdev.figures import PROJECT, ROOT, fr, kb, size
from kitdev.synthetic import synthetic_rows, write_calendar

# The peak of the process's address space (what `ulimit -v` caps), written at exit to the file argv[1].
_PEAK_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    with open("/proc/self/status") as status, open(out, "w") as target:
        target.write(next(line for line in status if line.startswith("VmPeak")).split()[1])
atexit.register(peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _check_usage(path: Path) -> tuple[float, float, int, str]:
    """Wall seconds, processor seconds, peak address space (bytes) and last line of `forums.py check`."""
    start = time.perf_counter()
    with tempfile.NamedTemporaryFile(prefix="kit-peak-") as peak_file:
        process = subprocess.Popen([sys.executable, "-c", _PEAK_WRAPPER, peak_file.name,
                                    str(ROOT / "scripts" / "forums.py"), "check", str(path)],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert process.stdout is not None
        last = first_error = b""
        for printed in process.stdout:  # never kept whole: a refused file may print many lines
            if printed.strip():
                last = printed
            if not first_error and b": erreur : " in printed:
                first_error = printed
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
        peak = Path(peak_file.name).read_text() or "0"
    wall = time.perf_counter() - start
    if first_error:  # what it says, without the file's temporary folder
        said = first_error.decode("utf-8", "replace").split(": erreur : ", 1)
        where = said[0].rsplit(":", 1)[1] if ":" in said[0] else ""
        verdict = f"refusé{f' (ligne {where})' if where.isdigit() else ''} : {said[1].strip()}"
    else:
        verdict = last.decode("utf-8", "replace").strip()
    return wall, usage.ru_utime + usage.ru_stime, int(peak) * 1024, verdict


def _converted(source: Path, suffix: str, folder: Path) -> Path | None:
    """``source`` saved as ``suffix`` by LibreOffice (headless), or None without LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    filters = {".xls": "xls:MS Excel 97", ".ods": "ods"}
    out = folder / suffix.lstrip(".")
    out.mkdir(exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profil-lo'}", "--headless",
                    "--convert-to", filters[suffix], "--outdir", str(out), str(source)],
                   capture_output=True, check=False, timeout=900)
    result = out / (source.stem + suffix)
    return result if result.is_file() else None


def _shared_texts_xlsx(folder: Path) -> Path:
    """An .xlsx whose shared texts fill the unpacked limit with distinct short texts."""
    from kit.calendar import sheets
    from workbooks import write_sparse_xlsx

    path = write_sparse_xlsx(folder / "textes-partages.xlsx",
                             [list(enumerate(["departement", "date", "heure_debut", "commune", "lieu"], 1))])
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            'Target="textes.bin"/></Relationships>')
    from hostile_files import without_entry

    with without_entry(path, "xl/_rels/workbook.xml.rels") as archive:
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        with archive.open("xl/textes.bin", "w") as texts:
            texts.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            written, number = 0, 0
            while written < sheets.MAX_UNPACKED_BYTES - (1 << 20):
                chunk = b"".join(b"<si><t>%07d</t></si>" % (number + i) for i in range(10_000))
                texts.write(chunk)
                written += len(chunk)
                number += 10_000
            texts.write(b"</sst>")
    return path


def _numbers_xlsx(folder: Path) -> Path:
    """An .xlsx of 13,000 rows × 256 numbers: once saved as .xls, as many cells as 20 Mo hold."""
    import zipfile

    from workbooks import write_sparse_xlsx

    path = write_sparse_xlsx(folder / "nombres.xlsx", [list(enumerate(["departement", "date", "commune"], 1))])
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    head, tail = entries.pop("xl/worksheets/sheet1.xml").split(b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(head)
            for row in range(2, 13_002):
                sheet.write(b'<row r="%d">' % row + b"".join(b"<c><v>%d</v></c>" % (row * 7 + column)
                                                          for column in range(256)) + b"</row>")
            sheet.write(b"</sheetData>" + tail)
    return path


def limit_files(folder: Path, territory: Territory, campaign: Campaign) -> list[tuple[str, str, Path]]:
    """(format, label, file): the largest calendar files `check` accepts in each format, and hostile ones."""
    from openpyxl import Workbook

    from kit.calendar import sheets

    sys.path.insert(0, str(ROOT / "tests"))
    import hostile_files

    rows = synthetic_rows(sheets.MAX_ROWS - 1, territory=territory, campaign=campaign)
    small = folder / "forums.csv"
    write_calendar(small, rows)
    plain = folder / "plus-grand.csv"
    # Each row lengthened (in `source`) so that the file reaches the size limit.
    room = (sheets.MAX_FILE_BYTES - small.stat().st_size - 1024) // len(rows)
    write_calendar(plain, [{**row, "source": "https://www.exemple.fr/" + "x" * max(room - 24, 0)} for row in rows])
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(name, "") for name in COLUMNS])
    workbook = folder / "plus-grand.xlsx"
    book.save(workbook)
    far = Workbook(write_only=True)
    sheet = far.create_sheet()
    sheet.append(["departement", "date", "heure_debut", "commune", "lieu"])
    for _ in range(20_000):
        sheet.append(["44", "14/04/2009", "18:00", "Nantes", "salle"] + [None] * 16378 + ["x"])
    far_path = folder / "colonne-xfd.xlsx"
    far.save(far_path)
    huge = Workbook()
    sheet = huge.active
    sheet.append(["departement", "date", "heure_debut", "commune", "lieu"])
    sheet.append(["44", "14/04/2009", "18:00", "Nantes", "A" * 20_000_000])
    huge_path = folder / "case-enorme.xlsx"
    huge.save(huge_path)
    files = [("CSV", f"CSV, {size(len(rows))} forums", plain),
             (".xlsx", f"XLSX, {size(len(rows))} forums", workbook),
             (".xlsx", "XLSX, une valeur en colonne XFD sur 20 000 lignes", far_path),
             (".xlsx", "XLSX, une case de 20 millions de caractères, tronquée à 32 767 par openpyxl", huge_path),
             (".xlsx", "XLSX, 100 Mo de textes partagés", _shared_texts_xlsx(folder))]
    for suffix in (".xls", ".ods"):
        converted = _converted(workbook, suffix, folder)
        if converted is None:
            print(f"{suffix} : LibreOffice absent, classeur de {size(len(rows))} forums non mesuré", file=sys.stderr)
        else:
            files.append((suffix, f"{suffix.lstrip('.').upper()}, {size(len(rows))} forums", converted))
    numbers = _converted(_numbers_xlsx(folder), ".xls", folder)
    if numbers is not None and numbers.stat().st_size <= sheets.MAX_FILE_BYTES:
        files.append((".xls", "XLS, 13 000 lignes × 256 nombres", numbers))
    for fmt, label, make in hostile_files.AT_LIMITS:
        files.append((fmt, f"{fmt.lstrip('.').upper()}, {label}", make(folder)))
    for shape in hostile_files.SHAPES:
        path = shape.make(folder)
        files.append((shape.fmt, f"{shape.fmt.lstrip('.').upper()}, {shape.label}", path))
    return [(fmt, f"{label} ({kb(path.stat().st_size)})", path) for fmt, label, path in files]


def main_limits() -> int:
    """`forums.py check` on the largest files allowed and on hostile ones: time and peak memory by format."""
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    print("| format | fichier | temps de processeur | mémoire (pic) | résultat |")
    print("|---|---|---|---|---|")
    peaks: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        for fmt, label, path in limit_files(Path(tmp), territory, campaign):
            wall, cpu, peak, last = _check_usage(path)
            peaks[fmt] = max(peaks.get(fmt, 0), peak)
            shown = last if len(last) <= 80 else last[:80].rstrip() + "…"
            print(f"| {fmt} | {label} | {fr(cpu)} s | {fr(peak / 1024 / 1024, 0)} Mio | {shown} |", flush=True)
            path.unlink()
    print()
    print("Mémoire au plus par format (pic de l'espace d'adressage, `ulimit -v`) :")
    for fmt, peak in peaks.items():
        print(f"- {fmt} : {fr(peak / 1024 / 1024, 0)} Mio")
    return 0


