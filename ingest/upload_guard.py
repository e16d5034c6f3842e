"""Checks on uploaded files before anything parses them: size, type from the content (not the
name), zip bombs in .docx/.xlsx, and a server-chosen file name so uploads never touch paths."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import UploadRejectedError

MAX_UPLOAD = 20 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024  # total uncompressed size inside a .docx/.xlsx
MAX_PDF_CONTENT = 4 * 1024 * 1024  # decoded page content of a PDF: text extraction costs ≈ 3 s of CPU per MB
MAX_RATIO = 100  # uncompressed / compressed size of any member
MAX_MEMBERS = 2000

POLICY_KINDS = ("txt", "md", "docx", "pdf", "html")
CATALOG_KINDS = ("csv", "xlsx")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: its kind and where it was saved."""

    kind: str  # one of POLICY_KINDS or CATALOG_KINDS
    path: Path


def _zip_kind(data: bytes, max_unzipped: int) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UploadRejectedError("压缩格式文件已损坏 / the zip container is corrupt") from exc
    if len(members) > MAX_MEMBERS:
        raise UploadRejectedError("文件内部条目过多 / too many entries in the file")
    total = sum(m.file_size for m in members)
    if total > max_unzipped or any(m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members):
        raise UploadRejectedError("文件解压后过大（疑似压缩炸弹），已拒绝 / uncompressed size too large (zip bomb?)")
    names = {m.filename for m in members}
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UploadRejectedError("不支持的压缩文件（只接受 .docx 和 .xlsx） / only .docx and .xlsx zip files are accepted")


def _text_kind(data: bytes, name: str) -> str:
    head = data[:4096]
    if b"\x00" in head:
        raise UploadRejectedError("不是文本文件，也不是支持的文档格式 / not text and not a supported document")
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<!doctype html", b"<html")) or b"<body" in sample or b"<p>" in sample:
        return "html"
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    return suffix if suffix in ("csv", "md") else "txt"


def _pdf_checked(data: bytes, max_content: int) -> str:
    """Refuse a PDF whose page content decodes to more than ``max_content`` bytes (a PDF bomb)."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import PyPdfError

    too_big = UploadRejectedError(f"PDF 内容解压后超过上限 {max_content // 1048576} MB（疑似压缩炸弹），已拒绝 / "
                                  "PDF content decompresses beyond the limit (PDF bomb?)")
    limits: dict[str, Any] = {"zlib_maximum_output_length": max_content, "lzw_maximum_output_length": max_content,
              "run_length_maximum_output_length": max_content, "maximum_declared_stream_length": max_content,
              "array_based_stream_maximum_output_length": max_content, "stream_decoding_work_maximum_length": max_content}
    total = 0
    try:
        with apply_configuration(**limits):
            for page in PdfReader(io.BytesIO(data)).pages:
                contents = page.get_contents()
                total += len(contents.get_data()) if contents is not None else 0
                if total > max_content:
                    raise too_big
    except UploadRejectedError:
        raise
    except PyPdfError as exc:  # a pypdf limit was reached, or the file is damaged
        if "limit" in str(exc).lower() or "exceed" in str(exc).lower():
            raise too_big from exc
        raise UploadRejectedError(f"无法读取 PDF 文件 / cannot read the PDF: {exc}") from exc
    except Exception as exc:  # pypdf raises plain errors on damaged files
        raise UploadRejectedError(f"无法读取 PDF 文件 / cannot read the PDF: {exc}") from exc
    return "pdf"


def sniff(data: bytes, name: str = "", *, max_unzipped: int = MAX_UNZIPPED,
          max_pdf_content: int = MAX_PDF_CONTENT) -> str:
    """The file's kind from its bytes (the name only tells .csv and .md apart from plain text); zip and
    PDF containers are opened to refuse bombs."""
    if not data:
        raise UploadRejectedError("文件为空 / the file is empty")
    if data.startswith(b"%PDF-"):
        return _pdf_checked(data, max_pdf_content)
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, max_unzipped)
    return _text_kind(data, name)


def _megabytes(n: int) -> str:
    return f"{n / 1048576:.1f}".rstrip("0").rstrip(".") + " MB"


def check_upload(data: bytes, name: str, folder: Path, *, allowed: tuple[str, ...], max_bytes: int = MAX_UPLOAD,
                 max_unzipped: int = MAX_UNZIPPED, max_pdf_content: int = MAX_PDF_CONTENT) -> CheckedUpload:
    """Check ``data`` and save it in ``folder`` under a name of our choosing."""
    if len(data) > max_bytes:  # data may have been cut at max_bytes + 1: its own size is not known
        raise UploadRejectedError(f"文件超过上限 {_megabytes(max_bytes)}，未做任何更改 / "
                                  f"file larger than the {_megabytes(max_bytes)} limit")
    kind = sniff(data, name, max_unzipped=max_unzipped, max_pdf_content=max_pdf_content)
    if kind not in allowed:
        raise UploadRejectedError(f"文件类型 {kind} 不适用于此处（可用：{'、'.join(allowed)}） / "
                                  f"file type {kind} is not accepted here")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"upload.{kind}"
    path.write_bytes(data)
    return CheckedUpload(kind, path)
