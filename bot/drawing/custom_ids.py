"""The custom id of every control the bot draws: what drawing writes and what `bot.components` routes on.

Each control carries what its press needs (the player it belongs to, the match, the page), so a press works
after a restart with nothing kept in memory, and a press by anyone else is refused.
"""

from __future__ import annotations

_PLAYER = r"(?P<player>[0-9]{1,20})"
_MATCH = r"(?P<match>[0-9]{1,19})"

# The race select of a ladder without sides carries this in place of a side's code.
ALL_RACES = "all"

# Match buttons: each action a player may take on their match.
CONFIRM = "confirm"
ABORT = "abort"
WON = "won"
LOST = "lost"
DRAW = "draw"
REQUEUE = "requeue"
REPLAY = "replay"

MATCH_BUTTON = rf"^ladder:(?P<action>confirm|abort|won|lost|draw|requeue|replay):{_MATCH}:{_PLAYER}$"
CANCEL_BUTTON = rf"^ladder:cancel:{_PLAYER}$"
RACE_SELECT = rf"^ladder:race:(?P<side>[a-z0-9_]{{1,32}}):{_PLAYER}$"
VETO_SELECT = rf"^ladder:veto:{_PLAYER}$"
JOIN_BUTTON = rf"^ladder:join:{_PLAYER}$"
REGION_SELECT = rf"^ladder:region:{_PLAYER}$"
LANGUAGE_SELECT = rf"^ladder:language:{_PLAYER}$"
# The profile setup's buttons: open the names form, save, save and go on to the queue, cancel the setup.
NAMES = "names"
SAVE = "save"
PLAY = "play"
DISCARD = "discard"
PROFILE_BUTTON = rf"^ladder:profile:(?P<action>names|save|play|discard):{_PLAYER}$"
# The names form (a modal): its submission is routed by this id, so it works after a bot restart too.
NAMES_FORM = rf"^ladder:form:{_PLAYER}$"
RULES_BUTTON = rf"^ladder:rules:{_PLAYER}$"
# Understood, under the ladder's notices: the notices' places in the ladder file, joined by `_`.
NOTICE_BUTTON = rf"^ladder:notice:(?P<notices>[0-9]{{1,2}}(?:_[0-9]{{1,2}}){{0,19}}):{_PLAYER}$"
RESOLVE_BUTTON = rf"^ladder:resolve:{_MATCH}:(?P<result>player1|player2|draw|invalidate)$"
# The form asking the admin who pressed a resolve button for the reason (a modal, routed by its id).
REASON_FORM = rf"^ladder:reason:{_MATCH}:(?P<result>player1|player2|draw|invalidate)$"
# Confirm and Cancel under an admin action's preview (the preview's id first: it is not a player).
PREVIEW_BUTTON = r"^ladder:preview:(?P<preview>[0-9]{1,19}):(?P<decision>confirm|cancel)$"
# A leaderboard's controls carry the whole board they belong to (its races as a bit mask of the ladder's, the
# country or `-`, the rank band's place or `-`, best race only 0 or 1): a press redraws it with one thing changed.
_BOARD = r"(?P<races>[0-9]{1,10}):(?P<country>[A-Z]{2}|-):(?P<band>[0-9]{1,2}|-):(?P<best>[01])"
BOARD_BUTTON = rf"^ladder:board:(?P<control>first|prev|next|last|jump|best|world):(?P<page>[0-9]{{1,7}}):{_BOARD}$"
BOARD_RACES = rf"^ladder:boardraces:{_BOARD}$"
BOARD_RANK = rf"^ladder:boardrank:{_BOARD}$"
# The page-jump form (a modal, routed by its id).
BOARD_JUMP_FORM = rf"^ladder:boardjump:{_BOARD}$"
# Any control that names its player last: a press by someone else is answered as such.
OWNED = rf"^ladder:[a-z]+(?::[a-z0-9_]{{1,32}})?:{_PLAYER}$"

RACE_PREFIX = "ladder:race:"
VETO_PREFIX = "ladder:veto:"


def match_button(action: str, match_id: int, player_id: int) -> str:
    return f"ladder:{action}:{match_id}:{player_id}"


def cancel_button(player_id: int) -> str:
    return f"ladder:cancel:{player_id}"


def race_select(side: str, player_id: int) -> str:
    return f"{RACE_PREFIX}{side}:{player_id}"


def veto_select(player_id: int) -> str:
    return f"{VETO_PREFIX}{player_id}"


def join_button(player_id: int) -> str:
    return f"ladder:join:{player_id}"


def region_select(player_id: int) -> str:
    return f"ladder:region:{player_id}"


def language_select(player_id: int) -> str:
    return f"ladder:language:{player_id}"


def profile_button(action: str, player_id: int) -> str:
    return f"ladder:profile:{action}:{player_id}"


def names_form(player_id: int) -> str:
    return f"ladder:form:{player_id}"


def rules_button(player_id: int) -> str:
    return f"ladder:rules:{player_id}"


def notice_button(places: list[int], player_id: int) -> str:
    return f"ladder:notice:{'_'.join(str(p) for p in places)}:{player_id}"


def resolve_button(match_id: int, result: str) -> str:
    return f"ladder:resolve:{match_id}:{result}"


def reason_form(match_id: int, result: str) -> str:
    return f"ladder:reason:{match_id}:{result}"


def preview_button(preview_id: int, decision: str) -> str:
    return f"ladder:preview:{preview_id}:{decision}"


def board_button(control: str, page: int, board: str) -> str:
    """`board`: the board's state (`bot.drawing.board_state.board_state`)."""
    return f"ladder:board:{control}:{max(page, 1)}:{board}"


def board_races(board: str) -> str:
    return f"ladder:boardraces:{board}"


def board_rank(board: str) -> str:
    return f"ladder:boardrank:{board}"


def board_jump_form(board: str) -> str:
    return f"ladder:boardjump:{board}"
