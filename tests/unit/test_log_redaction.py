"""Interaction tokens in the URLs discord.py logs are rewritten before any handler writes the line."""

from __future__ import annotations

import io
import logging

from bot.log_redaction import RedactTokens, redact

TOKEN = "aW50ZXJhY3Rpb246abc-DEF_123.xyz"


def test_a_webhook_or_callback_url_loses_its_token() -> None:
    line = f"PATCH https://discord.com/api/v10/webhooks/900/{TOKEN}/messages/@original: 429"
    assert redact(line) == "PATCH https://discord.com/api/v10/webhooks/900/[token]/messages/@original: 429"
    assert TOKEN not in redact(f"POST /api/v10/interactions/123/{TOKEN}/callback")
    plain = "event 12 shown to player 34 by interaction_token"
    assert redact(plain) == plain


def test_the_filter_redacts_arguments_and_tracebacks() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactTokens())
    log = logging.getLogger("test_log_redaction")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("retrying %s", f"/webhooks/1/{TOKEN}/messages/@original")
        try:
            raise RuntimeError(f"failed: /interactions/5/{TOKEN}/callback")
        except RuntimeError:
            log.exception("the request failed")
    finally:
        log.removeHandler(handler)
    written = out.getvalue()
    assert TOKEN not in written
    assert written.count("[token]") == 2 and "the request failed" in written
