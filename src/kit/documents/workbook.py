"""A small workbook to fill in, written as Excel 2007 (.xlsx) and OpenDocument (.ods) alike.

The kit offers spreadsheets that people fill in (the guest list of the mail
merge, the calendar template): a header row that stays on screen, drop-down
lists and input help (the message a cell shows when selected), a few rows
already filled (examples, or formulas), and sheets of reference lists. This
module describes such a workbook once (:class:`Workbook`) and writes it in both
formats: openpyxl for XLSX, OpenDocument XML for ODS. Formulas are given in
both syntaxes (Excel's, and OpenFormula's ``of:=``), since the two differ in
their separators and references; the functions used (IF, VLOOKUP, MATCH, ISNA)
exist in Excel 2003 and later and in OpenOffice.org. The same workbook gives
the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from xml.sax.saxutils import escape, quoteattr

from kit.calendar.limits import column_letter
from kit.calendar.xlsx import FIXED_DATE, without_clock

# Fixed dates in the files, so that the same workbook gives the same bytes.
_ZIP_DATE = (2009, 2, 26, 0, 0, 0)
DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "HH:MM"
HEADER_FILL = "DDE5F0"


@dataclass(frozen=True)
class Formula:
    """A formula in Excel's syntax and in OpenFormula's (without their leading « = » / « of:= »)."""

    excel: str
    open_formula: str


Value = str | date | time | Formula | None


@dataclass(frozen=True)
class Choices:
    """A drop-down list: fixed values, or the cells of a named range (``name``, defined on the workbook)."""

    values: tuple[str, ...] = ()
    name: str = ""  # a named range of the workbook


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 18  # in characters
    help_title: str = ""
    help: str = ""  # the input message shown when a cell of the column is selected
    choices: Choices | None = None
    kind: str = "text"  # "text", "date" or "time": the number format of its cells


@dataclass(frozen=True)
class NamedRange:
    name: str
    sheet: str
    column: int  # 0-based
    first_row: int  # 1-based, inclusive
    last_row: int


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: list[list[Value]] = field(default_factory=list)
    input_rows: int = 500  # rows (under the header) that carry the drop-down lists and input help


@dataclass
class Workbook:
    sheets: list[Sheet]
    names: list[NamedRange] = field(default_factory=list)
    title: str = ""


# XLSX ---------------------------------------------------------------------------

def _xlsx_range(named: NamedRange) -> str:
    letter = column_letter(named.column)
    return f"'{named.sheet}'!${letter}${named.first_row}:${letter}${named.last_row}"


def to_xlsx(book: Workbook) -> bytes:
    """The workbook as an Excel 2007+ file."""
    # Imported here: a build that takes its workbooks back from the cache never loads openpyxl (0.13 s).
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = OpenpyxlWorkbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for spec in book.sheets:
        sheet = workbook.create_sheet(spec.title)
        for index, column in enumerate(spec.columns, start=1):
            cell = sheet.cell(row=1, column=index, value=column.header)
            cell.data_type = "s"
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(vertical="top")
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        for row_index, row in enumerate(spec.rows, start=2):
            for column_index, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=row_index, column=column_index)
                if isinstance(value, Formula):
                    cell.value = "=" + value.excel
                elif isinstance(value, str):
                    cell.value = value
                    cell.data_type = "s"  # never a formula, whatever its first character
                else:
                    cell.value = value
                    cell.number_format = TIME_FORMAT if isinstance(value, time) else DATE_FORMAT
        last = spec.input_rows + 1
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            if column.kind in ("date", "time"):
                for row_index in range(2, last + 1):
                    sheet.cell(row=row_index, column=index).number_format = (
                        DATE_FORMAT if column.kind == "date" else TIME_FORMAT)
            if not column.help and column.choices is None:
                continue
            if column.choices is None:
                validation = DataValidation(type=None, allow_blank=True)
            elif column.choices.name:
                validation = DataValidation(type="list", formula1=column.choices.name, allow_blank=True)
            else:
                validation = DataValidation(type="list", formula1='"' + ",".join(column.choices.values) + '"',
                                            allow_blank=True)
            if column.choices is not None:
                validation.showErrorMessage = True
                validation.errorTitle = column.header
                validation.error = "Choisissez une valeur de la liste."
            if column.help:
                validation.showInputMessage = True
                validation.promptTitle = (column.help_title or column.header)[:32]  # Excel's limits
                validation.prompt = column.help[:255]
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    for named in book.names:
        workbook.defined_names[named.name] = DefinedName(named.name, attr_text=_xlsx_range(named))
    workbook.properties.creator = "Ministère de l'Intérieur – DICOM"
    workbook.properties.title = book.title
    workbook.properties.language = "fr-FR"
    workbook.properties.created = workbook.properties.modified = FIXED_DATE
    buffer = io.BytesIO()
    workbook.save(buffer)
    return without_clock(buffer.getvalue())


# ODS ----------------------------------------------------------------------------

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
       'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
       'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
       'xmlns:dc="http://purl.org/dc/elements/1.1/" '
       'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')
_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _ods_range(named: NamedRange) -> str:
    letter = column_letter(named.column)
    return f"$'{named.sheet}'.${letter}${named.first_row}:.${letter}${named.last_row}"


def _validation_name(sheet: int, column: int) -> str:
    return f"val{sheet + 1}_{column + 1}"


def _ods_validations(book: Workbook) -> str:
    names = {named.name: named for named in book.names}
    parts = []
    for sheet_index, spec in enumerate(book.sheets):
        for index, column in enumerate(spec.columns):
            if not column.help and column.choices is None:
                continue
            attributes = [f'table:name="{_validation_name(sheet_index, index)}"', 'table:allow-empty-cell="true"']
            error = ""
            if column.choices is not None:
                if column.choices.name:
                    listed = f"[{_ods_range(names[column.choices.name])}]"
                else:
                    listed = ";".join(_ods_quote(v) for v in column.choices.values)
                attributes.append("table:condition=" + quoteattr(f"of:cell-content-is-in-list({listed})"))
                attributes.append('table:display-list="unsorted"')
                error = (f'<table:error-message table:display="true" table:message-type="stop" '
                         f'table:title={quoteattr(column.header)}><text:p>Choisissez une valeur de la liste.'
                         '</text:p></table:error-message>')
            help_message = ""
            if column.help:
                help_message = (f'<table:help-message table:display="true" '
                                f'table:title={quoteattr(column.help_title or column.header)}>'
                                f'<text:p>{escape(column.help)}</text:p></table:help-message>')
            parts.append(f"<table:content-validation {' '.join(attributes)}>{help_message}{error}"
                         "</table:content-validation>")
    return "<table:content-validations>" + "".join(parts) + "</table:content-validations>" if parts else ""


def _ods_cell(value: Value, style: str = "") -> str:
    styled = f' table:style-name="{style}"' if style else ""
    if value is None:
        return f"<table:table-cell{styled}/>"
    if isinstance(value, Formula):
        return (f"<table:table-cell{styled} table:formula={quoteattr('of:=' + value.open_formula)} "
                'office:value-type="string" office:string-value=""/>')
    if isinstance(value, str):
        return f'<table:table-cell{styled} office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'
    if isinstance(value, time):
        return (f'<table:table-cell table:style-name="cheure" office:value-type="time" '
                f'office:time-value="PT{value.hour:02d}H{value.minute:02d}M00S"><text:p>{value:%H:%M}</text:p>'
                "</table:table-cell>")
    return (f'<table:table-cell table:style-name="cdate" office:value-type="date" '
            f'office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>')


def _ods_sheet(sheet_index: int, spec: Sheet) -> str:
    out = [f"<table:table table:name={quoteattr(spec.title)}>"]
    for index, _column in enumerate(spec.columns):
        out.append(f'<table:table-column table:style-name="co{sheet_index}_{index}"/>')
    out.append("<table:table-header-rows><table:table-row>")
    out.extend(_ods_cell(column.header, "entete") for column in spec.columns)
    out.append("</table:table-row></table:table-header-rows>")

    def validated(index: int, column: Column, value: Value) -> str:
        cell = _ods_cell(value, "cdate" if column.kind == "date" and value is None else
                         "cheure" if column.kind == "time" and value is None else "")
        if column.help or column.choices is not None:
            cell = cell.replace("<table:table-cell",
                                f'<table:table-cell table:content-validation-name="'
                                f'{_validation_name(sheet_index, index)}"', 1)
        return cell

    for row in spec.rows:
        cells = list(row) + [None] * (len(spec.columns) - len(row))
        out.append("<table:table-row>" + "".join(validated(i, c, v) for i, (c, v) in
                                                 enumerate(zip(spec.columns, cells, strict=True)))
                   + "</table:table-row>")
    rest = spec.input_rows - len(spec.rows)
    if rest > 0:
        blank = "".join(validated(i, c, None) for i, c in enumerate(spec.columns))
        out.append(f'<table:table-row table:number-rows-repeated="{rest}">{blank}</table:table-row>')
    out.append("</table:table>")
    return "".join(out)


def to_ods(book: Workbook) -> bytes:
    """The workbook as an OpenDocument spreadsheet (OpenOffice.org 3, LibreOffice)."""
    column_styles = "".join(
        f'<style:style style:name="co{s}_{i}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{column.width * 0.21:.2f}cm"/></style:style>'
        for s, spec in enumerate(book.sheets) for i, column in enumerate(spec.columns))
    names = "".join(
        f'<table:named-range table:name="{named.name}" '
        f'table:base-cell-address="$\'{named.sheet}\'.$A$1" '
        f'table:cell-range-address="{_ods_range(named)}"/>' for named in book.names)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.2">'
        "<office:automatic-styles>"
        '<number:date-style style:name="ndate"><number:day number:style="long"/><number:text>/</number:text>'
        '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>'
        "</number:date-style>"
        '<number:time-style style:name="nheure"><number:hours number:style="long"/><number:text>:</number:text>'
        '<number:minutes number:style="long"/></number:time-style>'
        f"{column_styles}"
        '<style:style style:name="entete" style:family="table-cell">'
        f'<style:table-cell-properties fo:background-color="#{HEADER_FILL.lower()}"/>'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
        '<style:style style:name="cdate" style:family="table-cell" style:data-style-name="ndate"/>'
        '<style:style style:name="cheure" style:family="table-cell" style:data-style-name="nheure"/>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        + _ods_validations(book)
        + "".join(_ods_sheet(index, spec) for index, spec in enumerate(book.sheets))
        + (f"<table:named-expressions>{names}</table:named-expressions>" if names else "")
        + "</office:spreadsheet></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_NS} office:version="1.2">'
              "<office:styles><style:default-style style:family=\"table-cell\">"
              '<style:text-properties fo:language="fr" fo:country="FR"/></style:default-style></office:styles>'
              "</office:document-styles>")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_NS} office:version="1.2">'
            f"<office:meta><dc:title>{escape(book.title)}</dc:title><dc:language>fr-FR</dc:language>"
            "<meta:initial-creator>Ministère de l'Intérieur – DICOM</meta:initial-creator>"
            "<meta:creation-date>2009-02-26T00:00:00</meta:creation-date></office:meta></office:document-meta>")
    # The panes: the header row stays on screen, as in the XLSX.
    panes = "".join(
        f'<config:config-item-map-entry config:name={quoteattr(spec.title)}>'
        '<config:config-item config:name="VerticalSplitMode" config:type="short">2</config:config-item>'
        '<config:config-item config:name="VerticalSplitPosition" config:type="int">1</config:config-item>'
        '<config:config-item config:name="ActiveSplitRange" config:type="short">2</config:config-item>'
        '<config:config-item config:name="PositionBottom" config:type="int">1</config:config-item>'
        "</config:config-item-map-entry>" for spec in book.sheets)
    settings = ('<?xml version="1.0" encoding="UTF-8"?><office:document-settings '
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.2">'
                '<office:settings><config:config-item-set config:name="ooo:view-settings">'
                '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
                f'<config:config-item-map-named config:name="Tables">{panes}</config:config-item-map-named>'
                "</config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set>"
                "</office:settings></office:document-settings>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{_MIMETYPE}"/>'
                + "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
                          for name in ("content.xml", "styles.xml", "meta.xml", "settings.xml"))
                + "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", _ZIP_DATE), _MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, text in (("content.xml", content), ("styles.xml", styles), ("meta.xml", meta),
                           ("settings.xml", settings), ("META-INF/manifest.xml", manifest)):
            archive.writestr(zipfile.ZipInfo(name, _ZIP_DATE), text.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
