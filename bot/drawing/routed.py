"""Views made only of dynamic items, which the bot routes by custom id (registered once in `setup_hook`).

Such a view needs nothing kept in memory after it is sent, yet discord.py keeps every unfinished view it sends
(an ephemeral one for 15 minutes, with a timer): thousands of players would leave thousands behind. So the
view is finished before it goes out; its buttons work all the same.
"""

from __future__ import annotations

from typing import Any

import discord


def routed_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    view.stop()
    return view
