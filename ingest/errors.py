"""Errors of the ingest side.

    IngestError
     ├── UnsupportedFormatError   a file type the readers do not handle
     ├── UnreadableFileError      a file that cannot be decoded or opened
     ├── EmptyDocumentError       a document with no recognisable text or structure
     ├── CatalogImportError       a catalog file with rejected rows (nothing was imported)
     └── CatalogChangeError       a withdrawal or correction that cannot be applied
"""


class IngestError(Exception):
    """Base class of every error raised by ``ingest``; messages are Chinese first, then English."""


class UnsupportedFormatError(IngestError):
    """The file extension is not one of .txt .md .docx .pdf .html .htm."""


class UnreadableFileError(IngestError):
    """The file could not be opened or decoded."""


class EmptyDocumentError(IngestError):
    """The file holds no text the parser can turn into clauses."""


class CatalogImportError(IngestError):
    """A catalog file was rejected as a whole; ``report`` lists every row problem."""

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class CatalogChangeError(IngestError):
    """A change to one catalog product (e.g. a withdrawal) cannot be applied."""


class UploadRejectedError(IngestError):
    """An uploaded file is too large, of a type we do not take, or malformed; nothing was changed."""


class UnknownDocumentError(IngestError):
    """No document with this id in the published version."""
