"""PDF/UA-1 finishing of the PDFs that WeasyPrint lays out, with pikepdf.

WeasyPrint (``pdf_variant="pdf/ua-1"``) tags the document's content, writes
the PDF/UA identification in the XMP metadata, ``/Lang`` and
``DisplayDocTitle``. Two things remain (its issue 1836): the content of the
page margins (running header and footer, page numbers) is marked but belongs
to no element of the structure tree, and link annotations have no
alternative text. :func:`finish` turns the former into pagination artifacts
and gives every link its text as ``/Contents``; :func:`describe` says what a
PDF holds in those terms, for the tests and the measurements.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Dictionary, Name, Object, Pdf

_SHOW_TEXT = {"Tj", "TJ", "'", '"'}
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_LEADER = re.compile(r"[\s\u00a0]*\.[.\s\u00a0]*")


# Reading the structure tree ---------------------------------------------------

def _key(obj: Object) -> tuple[int, int]:
    return obj.objgen


def parent_tree(pdf: Pdf) -> dict[int, Object]:
    """The ParentTree's entries: StructParents key of a page (or an annotation) to its value."""
    root = pdf.Root.get("/StructTreeRoot")
    entries: dict[int, Object] = {}
    if root is None or "/ParentTree" not in root:
        return entries

    def walk(node: Object) -> None:
        nums = node.get("/Nums")
        if nums is not None:
            for index in range(0, len(nums) - 1, 2):
                entries[int(nums[index])] = nums[index + 1]
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(root.ParentTree)
    return entries


def reachable_elements(pdf: Pdf) -> set[tuple[int, int]]:
    """The structure elements that can be reached from the structure tree's root."""
    root = pdf.Root.get("/StructTreeRoot")
    seen: set[tuple[int, int]] = set()
    if root is None:
        return seen
    stack = list(_kids(root))
    while stack:
        element = stack.pop()
        if not isinstance(element, Dictionary) or element.get("/Type") in (Name.OBJR, Name.MCR):
            continue
        if element.is_indirect:
            if _key(element) in seen:
                continue
            seen.add(_key(element))
        stack.extend(_kids(element))
    return seen


def _kids(element: Object) -> list[Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def tagged_mcids(pdf: Pdf) -> dict[int, set[int]]:
    """For each page (StructParents key), the MCIDs whose element is in the structure tree."""
    reachable = reachable_elements(pdf)
    result: dict[int, set[int]] = {}
    for key, value in parent_tree(pdf).items():
        if isinstance(value, pikepdf.Array):
            result[key] = {mcid for mcid, element in enumerate(value)
                           if isinstance(element, Dictionary) and element.is_indirect
                           and _key(element) in reachable}
    return result


# Text of a content stream --------------------------------------------------------

class FontText:
    """Decodes the bytes that a font shows into text, with its /ToUnicode map."""

    def __init__(self, font: Object | None) -> None:
        self.width = 1
        self.map: dict[int, str] = {}
        stream = font.get("/ToUnicode") if isinstance(font, Dictionary) else None
        if isinstance(stream, pikepdf.Stream):
            self._read(stream.read_bytes())

    def _read(self, cmap: bytes) -> None:
        space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", cmap)
        if space:
            self.width = max(1, len(space.group(1)) // 2)
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
            codes = _HEX.findall(block)
            for code, text in zip(codes[::2], codes[1::2], strict=False):
                self.map[int(code, 16)] = _utf16(text)
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
            for line in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
                low, high, target = int(line[0], 16), int(line[1], 16), line[2]
                if target.startswith(b"["):
                    for offset, text in enumerate(_HEX.findall(target)):
                        self.map[low + offset] = _utf16(text)
                else:
                    start = int(target[1:-1], 16)
                    for offset in range(high - low + 1):
                        self.map[low + offset] = chr(start + offset)

    def decode(self, data: bytes) -> str:
        width = self.width
        codes = (int.from_bytes(data[i:i + width], "big") for i in range(0, len(data), width))
        return "".join(self.map.get(code, "\ufffd") for code in codes)


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be", errors="replace")


def shown_text(operands: list[Object], font: FontText) -> str:
    """The text that one text-showing operator (Tj, TJ, ', ") puts on the page."""
    strings = operands[-1]
    parts = list(strings) if isinstance(strings, pikepdf.Array) else [strings]
    return "".join(font.decode(bytes(part)) for part in parts if isinstance(part, pikepdf.String))


@dataclass
class Mark:
    """A marked-content sequence open at some point of a content stream."""

    tag: str
    mcid: int | None


@dataclass
class TextRun:
    """One text-showing operator, where it is and in which marked content."""

    page: int  # from 1
    text: str
    marks: tuple[Mark, ...]


@dataclass
class _Walk:
    fonts: dict[str, FontText] = field(default_factory=dict)


def text_runs(pdf: Pdf) -> Iterator[TextRun]:
    """Every text-showing operator of every page, Form XObjects included."""
    for number, page in enumerate(pdf.pages, start=1):
        yield from _runs(page.obj, page.obj.get("/Resources", Dictionary()), number, ())


def _runs(holder: Object, resources: Object, number: int, outer: tuple[Mark, ...]) -> Iterator[TextRun]:
    stack = list(outer)
    fonts: dict[str, FontText] = {}
    font = FontText(None)
    for instruction in pikepdf.parse_content_stream(holder):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operands, operator = instruction.operands, str(instruction.operator)
        if operator in ("BDC", "BMC"):
            mcid = None
            if operator == "BDC":
                props = operands[1]
                if isinstance(props, Name):
                    props = resources.get("/Properties", Dictionary()).get(str(props), Dictionary())
                if isinstance(props, Dictionary) and "/MCID" in props:
                    mcid = int(props.MCID)
            stack.append(Mark(str(operands[0])[1:], mcid))
        elif operator == "EMC":
            if len(stack) > len(outer):
                stack.pop()
        elif operator == "Tf":
            name = str(operands[0])
            if name not in fonts:
                fonts[name] = FontText(resources.get("/Font", Dictionary()).get(name))
            font = fonts[name]
        elif operator in _SHOW_TEXT:
            yield TextRun(number, shown_text(list(operands), font), tuple(stack))
        elif operator == "Do":
            xobject = resources.get("/XObject", Dictionary()).get(str(operands[0]))
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form:
                yield from _runs(xobject, xobject.get("/Resources", resources), number, tuple(stack))


# Finishing -----------------------------------------------------------------------

def _orphans(pdf: Pdf) -> dict[int, set[int]]:
    """For each page (StructParents key), the MCIDs that no element of the structure tree reaches."""
    tagged = tagged_mcids(pdf)
    return {key: {mcid for mcid in range(len(mapping)) if mcid not in tagged.get(key, set())}
            for key, mapping in parent_tree(pdf).items() if isinstance(mapping, pikepdf.Array)}


def is_leader(runs: list[TextRun]) -> bool:
    """Whether consecutive runs made only of dots are a dot leader (four dots or more: « ... » is text)."""
    return all(_LEADER.fullmatch(run.text) for run in runs) and sum(run.text.count(".") for run in runs) >= 4


def _leaders(pdf: Pdf) -> dict[int, set[int]]:
    """For each page (StructParents key), the tagged MCIDs that only show the dots of a leader."""
    keys = {number: int(page.obj.get("/StructParents", -1)) for number, page in enumerate(pdf.pages, start=1)}
    found: dict[int, set[int]] = {}
    streak: list[TextRun] = []

    def streak_ends() -> None:
        if streak and is_leader(streak):
            for run in streak:
                mcid = _innermost_mcid(run)
                if mcid is not None:
                    found.setdefault(keys[run.page], set()).add(mcid)
        streak.clear()

    for run in text_runs(pdf):
        artifact = any(mark.tag == "Artifact" for mark in run.marks)
        if not artifact and _innermost_mcid(run) is not None and _LEADER.fullmatch(run.text):
            if streak and streak[-1].page != run.page:
                streak_ends()
            streak.append(run)
        elif run.text.strip():
            streak_ends()
    streak_ends()
    return found


def _innermost_mcid(run: TextRun) -> int | None:
    return next((mark.mcid for mark in reversed(run.marks) if mark.mcid is not None), None)


def _make_artifacts(pdf: Pdf, changes: dict[int, dict[int, Dictionary]]) -> int:
    """Turn the marked content of the given MCIDs into artifacts with the given properties.

    ``changes``: page (StructParents key) to {MCID: artifact properties}. The
    MCIDs leave the ParentTree and the structure elements that held them.
    Returns how many sequences were changed.
    """
    tree = parent_tree(pdf)
    changed = 0
    for page in pdf.pages:
        raw_key = page.obj.get("/StructParents")
        if raw_key is None:
            continue
        key = int(raw_key)
        wanted = changes.get(key, {})
        if not wanted:
            continue
        instructions = []
        for instruction in pikepdf.parse_content_stream(page.obj):
            if (not isinstance(instruction, pikepdf.ContentStreamInlineImage)
                    and str(instruction.operator) == "BDC"
                    and isinstance(instruction.operands[1], Dictionary)
                    and int(instruction.operands[1].get("/MCID", -1)) in wanted):
                props = wanted[int(instruction.operands[1].MCID)]
                instruction = pikepdf.ContentStreamInstruction([Name.Artifact, props], pikepdf.Operator("BDC"))
                changed += 1
            instructions.append(instruction)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        mapping = tree[key]
        for mcid in wanted:
            element = mapping[mcid]
            if isinstance(element, Dictionary) and "/K" in element:
                kids = element.K
                if isinstance(kids, pikepdf.Array):
                    element.K = pikepdf.Array([kid for kid in kids if not (isinstance(kid, int) and kid == mcid)])
                elif isinstance(kids, int) and kids == mcid:
                    element.K = pikepdf.Array()
            mapping[mcid] = None
    return changed


def _page_texts(pdf: Pdf) -> dict[tuple[int, int], str]:
    """Text of each tagged marked-content sequence, by (page number from 1, MCID)."""
    texts: dict[tuple[int, int], str] = {}
    for run in text_runs(pdf):
        mcid = _innermost_mcid(run)
        if mcid is not None:
            texts[(run.page, mcid)] = texts.get((run.page, mcid), "") + run.text
    return texts


def _link_contents(pdf: Pdf, *, skip: dict[int, set[int]]) -> int:
    """Give each link annotation the text of its link as /Contents (``skip``: leaders' MCIDs).

    WeasyPrint's /Contents is the link's target (« note-de-fond--debut »). A
    link broken into several annotations (a table of contents' entry: its
    title, its leader, its page number) gives each of them the whole text.
    """
    if not any(annotation.get("/Subtype") == Name.Link for page in pdf.pages
               for annotation in page.obj.get("/Annots", [])):
        return 0  # no link: the text of the pages need not be read (a long document without links saves seconds)
    pages = {_key(page.obj): number for number, page in enumerate(pdf.pages, start=1)}
    keys = {number: int(page.obj.get("/StructParents", -1)) for number, page in enumerate(pdf.pages, start=1)}
    texts = _page_texts(pdf)
    groups: dict[tuple[int, str], list[tuple[Object, str]]] = {}
    for value in parent_tree(pdf).values():
        if not isinstance(value, Dictionary) or value.get("/S") != Name.Link:
            continue
        page = value.get("/Pg")
        number = pages.get(_key(page)) if page is not None else None
        if number is None:
            continue
        words = [texts.get((number, int(kid)), "") for kid in _kids(value)
                 if isinstance(kid, int) and int(kid) not in skip.get(keys[number], set())]
        text = " ".join(" ".join(words).split())
        for kid in _kids(value):
            if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                annotation = kid.Obj
                target = str(annotation.get("/Dest", "")) or str(annotation.get("/A", Dictionary()).get("/URI", ""))
                groups.setdefault((number, target), []).append((annotation, text))
    done = 0
    for members in groups.values():
        whole = " ".join(text for _, text in members if text)
        if whole:
            for annotation, _ in members:
                annotation.Contents = pikepdf.String(whole)
                done += 1
    return done


def finish(data: bytes, *, leaders: bool = True) -> bytes:
    """The PDF ``data`` (WeasyPrint, PDF/UA-1 variant) made whole: see the module's docstring.

    ``leaders=False`` for a document without dot leaders (no table of contents): its text is then not
    read to look for them, which saves seconds on a long document.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        # Links first: their text is read while the leaders are still tagged, then left out of it.
        leaders_found = _leaders(pdf) if leaders else {}
        _link_contents(pdf, skip=leaders_found)
        changes: dict[int, dict[int, Dictionary]] = {}
        for key, mcids in _orphans(pdf).items():
            for mcid in mcids:
                changes.setdefault(key, {})[mcid] = Dictionary(Type=Name.Pagination)
        for key, mcids in leaders_found.items():
            for mcid in mcids:
                changes.setdefault(key, {})[mcid] = Dictionary(Type=Name.Layout)
        _make_artifacts(pdf, changes)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if "/Outlines" in pdf.Root:
            pdf.Root.PageMode = Name.UseOutlines  # bookmarks shown on opening
        return saved(pdf)


def saved(pdf: Pdf) -> bytes:
    """The bytes of ``pdf``, the same for the same content (no date or random identifier in them)."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             compress_streams=True)
    return out.getvalue()


# Description, for tests and measurements ---------------------------------------

@dataclass
class Description:
    """What a PDF holds, in the terms of PDF/UA-1."""

    pages: int = 0
    pdfua_part: str = ""
    title: str = ""
    lang: str = ""
    display_doc_title: bool = False
    marked: bool = False
    bookmarks: int = 0
    tagged_runs: int = 0
    artifact_runs: int = 0
    untagged: list[TextRun] = field(default_factory=list)  # neither tagged nor artifact
    nested: list[TextRun] = field(default_factory=list)  # artifact inside tagged content or the reverse
    leaders_tagged: list[TextRun] = field(default_factory=list)  # dot leaders read as text
    links: int = 0
    links_without_text: int = 0

    def problems(self) -> list[str]:
        """What stands against PDF/UA-1 among the checks made here, in French."""
        found = []
        if self.pdfua_part != "1":
            found.append("identification PDF/UA (pdfuaid:part=1) absente des métadonnées XMP")
        if not self.title or not self.display_doc_title:
            found.append("titre absent ou non affiché (DisplayDocTitle)")
        if not self.lang:
            found.append("langue (/Lang) absente")
        if not self.marked:
            found.append("document non marqué (/MarkInfo)")
        if not self.bookmarks:
            found.append("aucun signet")
        for label, runs in (("texte ni balisé ni artefact", self.untagged),
                            ("artefact et balise imbriqués", self.nested),
                            ("points de conduite balisés comme texte", self.leaders_tagged)):
            if runs:
                sample = ", ".join(f"p. {run.page} « {run.text.strip()[:30]} »" for run in runs[:3])
                found.append(f"{len(runs)} {label} ({sample})")
        if self.links_without_text:
            found.append(f"{self.links_without_text} lien(s) sans texte de remplacement (/Contents)")
        return found


def _count_outlines(pdf: Pdf) -> int:
    with pdf.open_outline() as outline:
        count = 0
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            count += 1
            stack.extend(item.children)
        return count


def describe(data: bytes) -> Description:
    """Read a PDF and tell whether each text run is tagged, an artifact, or neither."""
    result = Description()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        result.pages = len(pdf.pages)
        metadata = pdf.open_metadata()
        result.pdfua_part = str(metadata.get("pdfuaid:part", ""))
        result.title = str(metadata.get("dc:title", "") or pdf.docinfo.get("/Title", ""))
        result.lang = str(pdf.Root.get("/Lang", ""))
        preferences = pdf.Root.get("/ViewerPreferences", Dictionary())
        result.display_doc_title = bool(preferences.get("/DisplayDocTitle", False))
        result.marked = bool(pdf.Root.get("/MarkInfo", Dictionary()).get("/Marked", False))
        result.bookmarks = _count_outlines(pdf)
        tagged = tagged_mcids(pdf)
        keys = {number: int(page.obj.get("/StructParents", -1)) for number, page in enumerate(pdf.pages, start=1)}
        dots: list[TextRun] = []  # tagged runs of dots in a row: a leader if is_leader says so

        def leader_ends() -> None:
            if dots and is_leader(dots):
                result.leaders_tagged.extend(dots)
            dots.clear()

        for run in text_runs(pdf):
            artifact = any(mark.tag == "Artifact" for mark in run.marks)
            mcids = [mark.mcid for mark in run.marks if mark.mcid is not None]
            is_tagged = bool(mcids) and mcids[-1] in tagged.get(keys[run.page], set())
            if artifact and mcids:
                result.nested.append(run)
            if artifact:
                result.artifact_runs += 1
            elif is_tagged:
                result.tagged_runs += 1
            elif run.text.strip():
                result.untagged.append(run)
            if is_tagged and not artifact and _LEADER.fullmatch(run.text):
                dots.append(run)
            elif run.text.strip():
                leader_ends()
        leader_ends()
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") == Name.Link:
                    result.links += 1
                    contents = str(annotation.get("/Contents", "")).strip()
                    if not contents or contents == str(annotation.get("/Dest", "")):
                        result.links_without_text += 1
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m kit.documents.pdfua FICHIER.pdf…``: what each PDF holds, and what stands against PDF/UA-1."""
    import sys
    from pathlib import Path

    paths = sys.argv[1:] if argv is None else argv
    failed = 0
    for path in paths:
        found = describe(Path(path).read_bytes())
        problems = found.problems()
        failed += bool(problems)
        print(f"{path} : {found.pages} pages, {found.tagged_runs} textes balisés, "
              f"{found.artifact_runs} artefacts, {len(found.untagged)} ni l'un ni l'autre, "
              f"{found.links} liens ({found.links_without_text} sans texte), {found.bookmarks} signets, "
              f"PDF/UA-{found.pdfua_part or '?'}, langue {found.lang or '?'}")
        for problem in problems:
            print(f"  - {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
