"""StarCraft II replays: read on the workers (never in the bot), checked against the ladder and its matches."""
