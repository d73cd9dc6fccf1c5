"""A follow-up (a new message each time) is sent inside the transaction that records it: of two bot processes
handling the same event at once, the second waits on the first's record, then sends nothing; a first that fails
(or dies) records nothing, and the second sends it."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.deliveries import claim_delivery


def _event(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                text(
                    "INSERT INTO outbox (type, player_ids, payload) VALUES ('match_reminder', '{1,2}', '{}')"
                    " RETURNING id"
                )
            ).scalar_one()
        )


async def test_the_second_claim_waits_for_the_first_and_finds_it_sent(
    engine: Engine, asessions: async_sessionmaker[AsyncSession]
) -> None:
    sent: list[str] = []

    async def send(event: int, who: str, fails: bool = False) -> None:
        try:
            async with asessions.begin() as session:
                if await claim_delivery(session, event, 1, "followup"):
                    await asyncio.sleep(0.5)  # the follow-up on its way to Discord
                    if fails:
                        raise ConnectionError("Discord did not answer")
                    sent.append(who)
        except ConnectionError:
            pass

    event = _event(engine)
    await asyncio.gather(send(event, "first"), send(event, "second"))
    assert sent in (["first"], ["second"])

    other = _event(engine)
    first = asyncio.create_task(send(other, "failing", fails=True))
    await asyncio.sleep(0.1)
    await asyncio.gather(first, send(other, "after it"))
    assert sent[-1] == "after it"
    with engine.connect() as conn:
        paths = conn.execute(text("SELECT path FROM deliveries WHERE event_id = :e"), {"e": other}).scalars().all()
    assert paths == ["followup"]
