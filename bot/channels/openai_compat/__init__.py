"""The OpenAI-compatible channel: ``/v1/models`` and ``/v1/chat/completions`` over the same Assistant."""
