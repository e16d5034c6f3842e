"""jingpin's bot layer: the answering library and the channels that reach users.

    app.py      the one composition root: settings → services (Assistant, StaffOperations) → channels
    settings.py BotSettings (the knowledge settings plus LLM and Telegram)
    answer/     the library (Assistant, Answer, Question); imports no channel
    channels/   http/, telegram/, cli/ — each only translates between its protocol and the library
    evaluation/ scoring answers on the bundled question sets

Imports point down only: bot → ingest → knowledge.
"""
