"""The database side shared by the bot and the workers: models, engines, the queries each side calls."""
