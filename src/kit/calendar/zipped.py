"""The parts of a zipped workbook (.xlsx, .ods), read in bounded pieces.

No entry is ever read whole: each one is streamed in chunks, counted against
:data:`~kit.calendar.limits.MAX_UNPACKED_BYTES` by its declared size (before
anything is read) and by what it really unpacks to (while it is read), and its
XML is parsed as it streams (:func:`parse_part`), a document type refused and
no single tag or attribute longer than :data:`MAX_TOKEN_BYTES`. Every failure
of the archive (corrupted stream, encrypted entry, unknown compression) comes
back as :class:`~kit.calendar.limits.Unreadable`, in French.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Generator
from xml.parsers import expat

from kit.calendar.limits import MAX_UNPACKED_BYTES, Unreadable, megabytes, quoted, refuse

MAX_ZIP_ENTRIES = 10_000
# The longest tag (with its attributes), comment or declaration a part may hold.
MAX_TOKEN_BYTES = 256 * 1024
# The deepest nesting of elements a part may hold (a spreadsheet's parts nest a dozen deep).
MAX_DEPTH = 64
_CHUNK = 64 * 1024
_CENTRAL_ENTRY = b"PK\x01\x02"
_BROKEN = (zlib.error, zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError, ValueError,
           struct.error, KeyError, IndexError, OverflowError)
_REBUILD = "réenregistrez-le avec votre tableur ou exportez-le en CSV"


class Finished(Exception):
    """Raised by a handler of :func:`parse_part` once it has read what it needs."""


def too_big(size: int) -> Unreadable:
    return refuse(f"classeur trop volumineux une fois décompressé ({megabytes(size)} au moins, "
                  f"{megabytes(MAX_UNPACKED_BYTES)} au plus) : enregistrez-le en CSV ou découpez-le")


class ZipParts:
    """The entries of a zipped workbook, streamed within the unpacked limit."""

    def __init__(self, data: bytes) -> None:
        # Each entry costs memory as soon as the archive is opened: count them first.
        if data.count(_CENTRAL_ENTRY) > MAX_ZIP_ENTRIES:
            raise refuse(f"classeur abîmé : plus de {MAX_ZIP_ENTRIES} éléments dans l'archive ; {_REBUILD}")
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self.archive.infolist()
        except _BROKEN:
            raise refuse(f"classeur abîmé (archive illisible) : {_REBUILD}") from None
        self.entries = {info.filename: info for info in infos}
        declared = sum(info.file_size for info in infos)
        if declared > MAX_UNPACKED_BYTES:
            raise too_big(declared)
        self.unpacked = 0

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def chunks(self, name: str) -> Generator[bytes, None, None]:
        """The unpacked bytes of entry ``name``, chunk by chunk, each one counted before it is given."""
        info = self.entries.get(name)
        if info is None:
            raise refuse(f"classeur abîmé : l'élément « {quoted(name)} » est absent de l'archive ; {_REBUILD}")
        if info.flag_bits & 0x1:
            raise refuse(f"classeur protégé par un mot de passe (élément « {quoted(name)} » chiffré) : "
                         "enregistrez-le sans mot de passe ou exportez-le en CSV")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse(f"classeur compressé d'une façon que le kit ne lit pas (méthode {info.compress_type}, "
                         f"élément « {quoted(name)} ») : {_REBUILD}")
        read = 0
        try:
            with self.archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    read += len(chunk)
                    self.unpacked += len(chunk)
                    if read > info.file_size or self.unpacked > MAX_UNPACKED_BYTES:
                        raise too_big(max(self.unpacked, read))
                    yield chunk
        except _BROKEN:
            raise refuse(f"classeur abîmé : l'élément « {quoted(name)} » de l'archive est illisible "
                         f"(données compressées endommagées) ; {_REBUILD}") from None

    def head(self, name: str, size: int) -> bytes:
        """At most the first ``size`` bytes of entry ``name`` (the rest is never unpacked)."""
        kept = b""
        chunks = self.chunks(name)
        for chunk in chunks:
            kept += chunk[:size - len(kept)]
            if len(kept) >= size:
                break
        chunks.close()
        return kept


class XmlHandler:
    """What :func:`parse_part` calls: ``start``, ``end`` and ``data``, each setting ``seen``."""

    seen = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def data(self, text: str) -> None:
        pass


def _no_document_type(*_: object) -> None:
    raise refuse("classeur refusé : il déclare un type de document (DOCTYPE), ce qu'un tableur ne fait "
                 "jamais ; réenregistrez-le avec votre tableur")


def parse_part(parts: ZipParts, name: str, handler: XmlHandler, broken: str) -> None:
    """Stream entry ``name`` of ``parts`` through ``handler``; ``broken``: the message of a bad XML."""
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = 0  # expat keeps every open element: their nesting is bounded too
    handler_start, handler_end = handler.start, handler.end

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise refuse(f"classeur abîmé : plus de {MAX_DEPTH} balises imbriquées dans l'élément "
                         f"« {quoted(name)} » ; {_REBUILD}")
        handler_start(tag, attributes)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        handler_end(tag)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = handler.data
    parser.StartDoctypeDeclHandler = _no_document_type
    parser.EntityDeclHandler = _no_document_type
    seen: Callable[..., None] = _mark(handler)
    parser.CommentHandler = seen
    parser.ProcessingInstructionHandler = seen
    parser.XmlDeclHandler = seen
    parser.StartNamespaceDeclHandler = seen
    quiet = 0  # bytes fed since an event last came out: the token expat is holding
    try:
        for chunk in parts.chunks(name):
            handler.seen = False
            parser.Parse(chunk, False)
            quiet = 0 if handler.seen else quiet + len(chunk)
            if quiet > MAX_TOKEN_BYTES:
                raise refuse(f"classeur abîmé : balise de plus de {MAX_TOKEN_BYTES // 1024} Kio dans "
                             f"l'élément « {quoted(name)} » ; {_REBUILD}")
        parser.Parse(b"", True)
    except Finished:
        pass
    except expat.ExpatError:
        raise refuse(broken) from None
    except Unreadable:
        raise
    except (ValueError, OverflowError):
        raise refuse(broken) from None


def _mark(handler: XmlHandler) -> Callable[..., None]:
    def seen(*_: object) -> None:
        handler.seen = True

    return seen
