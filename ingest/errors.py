"""Errors of the ingest side.

    IngestError
     ├── UnsupportedFormatError   a file type the readers do not handle
     ├── UnreadableFileError      a file that cannot be decoded or opened
     └── EmptyDocumentError       a document with no recognisable text or structure
"""


class IngestError(Exception):
    """Base class of every error raised by ``ingest``; messages are Chinese first, then English."""


class UnsupportedFormatError(IngestError):
    """The file extension is not one of .txt .md .docx .pdf .html .htm."""


class UnreadableFileError(IngestError):
    """The file could not be opened or decoded."""


class EmptyDocumentError(IngestError):
    """The file holds no text the parser can turn into clauses."""
