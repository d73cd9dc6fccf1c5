"""A local stand-in for Discord's REST API and gateway, for running the real discord.py bot against simulated users.

See standin.StandIn for the API; rules.py lists the Discord limits it enforces.
"""

from .client import logged_in_client, point_discord_at
from .gateway import NotConnected
from .latency import Latency
from .models import AttachedFile, InteractionResult, Message, MessageVersion, Received, ReceivedBody, Refusal
from .rate_limits import RateLimits
from .rules import DiscordError
from .standin import StandIn, as_discord

__all__ = [
    "AttachedFile",
    "DiscordError",
    "InteractionResult",
    "Latency",
    "Message",
    "MessageVersion",
    "NotConnected",
    "RateLimits",
    "Received",
    "ReceivedBody",
    "Refusal",
    "StandIn",
    "as_discord",
    "logged_in_client",
    "point_discord_at",
]
