"""`python -m bot`: the Discord bot. Needs DISCORD_TOKEN, DATABASE_URL and REDIS_URL (docs/CONFIGURATION.md)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import discord
from pydantic import ValidationError

from bot import log_redaction
from bot.client import LadderBot, ladder_bot
from bot.discord_api import point_rest_at
from db.ladder import LadderConfigError
from db.logs import configure_logging
from db.settings import Settings, get_settings

log = logging.getLogger("bot")


def main() -> int:
    try:
        settings = get_settings()
    except ValidationError as exc:
        # Each problem in its own words, never the values: the environment holds the token.
        problems = "\n".join(f"  {'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        print(f"The settings cannot be used:\n{problems}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format, settings.log_level)
    log_redaction.install()
    missing = [
        name
        for name, value in (
            ("DISCORD_TOKEN", settings.discord_token.get_secret_value()),
            ("DATABASE_URL", settings.database_url),
            ("REDIS_URL", settings.redis_url),
        )
        if not value
    ]
    if missing:
        print(f"Set {', '.join(missing)} before starting the bot (docs/DISCORD.md says how).", file=sys.stderr)
        return 2
    try:
        ladder = settings.ladder()
    except LadderConfigError as exc:
        print(f"The ladder file cannot be used:\n{exc}", file=sys.stderr)
        return 2
    point_rest_at(settings.discord_api_base)
    try:
        asyncio.run(_serve(settings, ladder_bot(settings, ladder)))
    except discord.LoginFailure:
        print("Discord refused the bot token: check DISCORD_TOKEN.", file=sys.stderr)
        return 1
    return 0


async def _serve(settings: Settings, bot: LadderBot) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        await bot.start(settings.discord_token.get_secret_value())


if __name__ == "__main__":
    sys.exit(main())
