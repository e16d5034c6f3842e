"""Checks on uploaded files before anything parses them: size, type from the content (not the
name), zip bombs in .docx/.xlsx, and a server-chosen file name so uploads never touch paths."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import UploadRejectedError

MAX_UPLOAD = 20 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024  # total uncompressed size inside a .docx/.xlsx
MAX_RATIO = 100  # uncompressed / compressed size of any member
MAX_MEMBERS = 2000

POLICY_KINDS = ("txt", "md", "docx", "pdf", "html")
CATALOG_KINDS = ("csv", "xlsx")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: its kind and where it was saved."""

    kind: str  # one of POLICY_KINDS or CATALOG_KINDS
    path: Path


def _zip_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UploadRejectedError("压缩格式文件已损坏 / the zip container is corrupt") from exc
    if len(members) > MAX_MEMBERS:
        raise UploadRejectedError("文件内部条目过多 / too many entries in the file")
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED or any(m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members):
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


def sniff(data: bytes, name: str = "") -> str:
    """The file's kind from its bytes (the name only tells .csv and .md apart from plain text)."""
    if not data:
        raise UploadRejectedError("文件为空 / the file is empty")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return _text_kind(data, name)


def _megabytes(n: int) -> str:
    return f"{n / 1048576:.1f}".rstrip("0").rstrip(".") + " MB"


def check_upload(data: bytes, name: str, folder: Path, *, allowed: tuple[str, ...],
                 max_bytes: int = MAX_UPLOAD) -> CheckedUpload:
    """Check ``data`` and save it in ``folder`` under a name of our choosing."""
    if len(data) > max_bytes:  # data may have been cut at max_bytes + 1: its own size is not known
        raise UploadRejectedError(f"文件超过上限 {_megabytes(max_bytes)}，未做任何更改 / "
                                  f"file larger than the {_megabytes(max_bytes)} limit")
    kind = sniff(data, name)
    if kind not in allowed:
        raise UploadRejectedError(f"文件类型 {kind} 不适用于此处（可用：{'、'.join(allowed)}） / "
                                  f"file type {kind} is not accepted here")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"upload.{kind}"
    path.write_bytes(data)
    return CheckedUpload(kind, path)
