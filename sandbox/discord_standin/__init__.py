"""A local stand-in for Discord's REST API and gateway, for running the real discord.py bot against simulated users.

See standin.StandIn for the API; rules.py lists the Discord limits it enforces.
"""

from .client import point_discord_at
from .gateway import NotConnected
from .models import InteractionResult, Message, MessageVersion, Received, ReceivedBody, Refusal
from .rules import DiscordError
from .standin import StandIn

__all__ = [
    "DiscordError",
    "InteractionResult",
    "Message",
    "MessageVersion",
    "NotConnected",
    "Received",
    "ReceivedBody",
    "Refusal",
    "StandIn",
    "point_discord_at",
]
