"""Read policy files of several formats into plain text lines (layout kept, nothing interpreted).

Supported: .txt and .md (UTF-8 / UTF-16 / GB18030 detected), .docx (python-docx), .pdf (pypdf),
.html/.htm (BeautifulSoup).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from ingest.errors import UnreadableFileError, UnsupportedFormatError

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


def decode_text(data: bytes) -> str:
    """Decode bytes of a Chinese text file: BOMs, strict UTF-8, then GB18030, then detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFileError("无法识别文件编码 / cannot detect the text encoding")
    return str(best)


def _txt(data: bytes) -> str:
    return decode_text(data)


def _md(data: bytes) -> str:
    lines = []
    for line in decode_text(data).splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)  # heading marks
        line = re.sub(r"^\s{0,3}(?:[-*+]|>)\s+", "", line)  # bullets, quotes
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)  # bold
        lines.append(line)
    return "\n".join(lines)


def _docx(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableFileError(f"无法打开 Word 文件 / cannot open .docx: {exc}") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("  ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:
        raise UnreadableFileError(f"无法读取 PDF 文件 / cannot read .pdf: {exc}") from exc
    text = "\n".join(pages)
    # PDF extraction often puts spaces between CJK characters; they are layout, not content.
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)


def _html(data: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(data), "html.parser")
    for tag in soup(["script", "style", "head", "nav"]):
        tag.decompose()
    return soup.get_text("\n")


_READERS: dict[str, Callable[[bytes], str]] = {
    ".txt": _txt,
    ".md": _md,
    ".docx": _docx,
    ".pdf": _pdf,
    ".html": _html,
    ".htm": _html,
}


def read_bytes(data: bytes, filename: str) -> str:
    """Return the text of a file given as bytes; the format comes from ``filename``'s extension."""
    suffix = Path(filename).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise UnsupportedFormatError(
            f"不支持的文件类型 {suffix or '(无扩展名)'}，支持：{' '.join(SUPPORTED_SUFFIXES)} / "
            f"unsupported file type {suffix or '(none)'}"
        )
    return reader(data)


def read_file(path: Path) -> str:
    """Return the text of the policy file at ``path``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"无法读取文件 {path} / cannot read {path}: {exc}") from exc
    return read_bytes(data, path.name)
