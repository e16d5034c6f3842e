"""jingpin's ingest layer: documents and catalog files in, published KB versions and catalog rows out.

    policy/         readers (txt, md, docx, pdf, html), the clause parser, numbering, passages, the builder
    catalog/        catalog files and rows, the importer, credit codes, the bundled 示例 catalog
    upload_guard    what an uploaded file must pass before anything reads it
    staff           StaffOperations: every write (publish, delete, rollback, import, withdraw, tokens),
                    each taking its actor and writing its own audit record

Imports only :mod:`knowledge`, never :mod:`bot`.
"""
