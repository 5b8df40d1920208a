"""A real mail merge by LibreOffice headless: its MailMerge service, run by a Basic macro.

The macro is written into a private user profile (« Mes macros », which
LibreOffice trusts whatever its macro security), opens the guest list through
LibreOffice's spreadsheet database driver (``sdbc:calc:``, package
libreoffice-base-drivers), and merges the letter into one file per guest, as
the mail-merge wizard's « save as individual documents » does. The letter's
fields are matched by data source name and table, as in OpenOffice.org.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from clients.tools import SOFFICE, libreoffice_profile, soffice

CALC_DRIVER_HINT = ("Le pilote de base de données « classeur » de LibreOffice est absent : "
                    "« apt-get install libreoffice-base-drivers » (c'est ce que fait .ci/run).")

_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">{}
</script:module>
"""
_MACRO = """
Sub Merge(guests As String, letter As String, outdir As String, source As String, table As String)
  Dim conn As Object, rs As Object, mm As Object
  On Error Goto Failed
  conn = createUnoService("com.sun.star.sdbc.DriverManager").getConnection("sdbc:calc:" &amp; guests)
  rs = createUnoService("com.sun.star.sdb.RowSet")
  rs.ActiveConnection = conn
  rs.CommandType = com.sun.star.sdb.CommandType.TABLE
  rs.Command = table
  rs.execute()
  mm = createUnoService("com.sun.star.text.MailMerge")
  mm.ActiveConnection = conn
  mm.ResultSet = rs
  mm.DataSourceName = source
  mm.CommandType = com.sun.star.sdb.CommandType.TABLE
  mm.Command = table
  mm.DocumentURL = letter
  mm.OutputType = com.sun.star.text.MailMergeType.FILE
  mm.OutputURL = outdir
  mm.FileNamePrefix = "lettre"
  mm.SaveAsSingleFile = False
  mm.execute(Array())
  conn.close()
  Report(outdir, "ok")
  StarDesktop.terminate()
  Exit Sub
Failed:
  Report(outdir, "erreur " &amp; Err &amp; " : " &amp; Error$ &amp; " (ligne " &amp; Erl &amp; ")")
  StarDesktop.terminate()
End Sub

Sub Report(outdir As String, message As String)
  Dim n As Integer
  n = FreeFile
  Open ConvertFromURL(outdir) &amp; "/compte-rendu.txt" For Output As #n
  Print #n, message
  Close #n
End Sub
"""


# Three guests: a mayor (a man), a senator (a woman), an association's president (a woman), and the
# forms of address and closings the guest list's formulas must give each of them.
GUESTS = (
    ("Monsieur", "Jean", "Durand", "Maire", "Maire de Saint-Herblain", "Mairie", "2, rue de l'Hôtel-de-Ville",
     "44800", "Saint-Herblain"),
    ("Madame", "Anne", "Martin", "Sénateur", "Sénatrice de la Loire-Atlantique", "Sénat", "15, rue de Vaugirard",
     "75291", "Paris Cedex 06"),
    ("Madame", "Claire", "Petit", "Président d'association", "Présidente de l'association des commerçants",
     "Association des commerçants", "1, place du Marché", "44800", "Saint-Herblain"),
)
EXPECTED = (
    ("Monsieur le Maire", "Je vous prie d'agréer, Monsieur le Maire, l'expression de ma considération distinguée."),
    ("Madame la Sénatrice", "Je vous prie d'agréer, Madame la Sénatrice, l'expression de ma haute considération."),
    ("Madame la Présidente",
     "Je vous prie d'agréer, Madame la Présidente, l'expression de mes sentiments distingués."),
)


def require_calc_driver() -> None:
    """Skip (or fail under CI, through the ``libreoffice`` marker's rule) without the spreadsheet driver."""
    import os

    program = Path(SOFFICE or "").resolve().parent
    if not (program / "libcalclo.so").is_file() and not (program / "calclo.dll").is_file():
        if os.environ.get("CI"):
            pytest.fail(CALC_DRIVER_HINT, pytrace=False)
        pytest.skip(CALC_DRIVER_HINT)


def mail_merge(guests: Path, letter: Path, outdir: Path, *, source: str, table: str) -> list[Path]:
    """Merge ``letter`` with every row of the sheet ``table`` of ``guests``: the letters written, in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    with libreoffice_profile() as profile:
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        if not module.parent.is_dir():  # a new profile: LibreOffice writes it, then stops
            subprocess.run([*soffice(profile), "--terminate_after_init"], capture_output=True, timeout=300,
                           check=False)
        assert module.parent.is_dir(), "LibreOffice n'a pas créé son profil"
        module.write_text(_MODULE.format(_MACRO.replace('"', "&quot;")), encoding="utf-8")
        arguments = ",".join(f'"{value}"' for value in (guests.resolve().as_uri(), letter.resolve().as_uri(),
                                                        outdir.resolve().as_uri(), escape(source), table))
        result = subprocess.run([*soffice(profile), f"macro:///Standard.Module1.Merge({arguments})"],
                                capture_output=True, text=True, timeout=120, check=False)
    report = outdir / "compte-rendu.txt"
    assert report.is_file(), f"la macro de publipostage n'a pas tourné : {result.stdout} {result.stderr}"
    assert report.read_text(encoding="utf-8").strip() == "ok", report.read_text(encoding="utf-8")
    return sorted(outdir.glob("lettre*.odt"), key=lambda path: int(path.stem.removeprefix("lettre") or 0))
