"""Starts Flower only behind basic auth: the dashboard can revoke tasks and shows their arguments."""

from __future__ import annotations

import os
import sys

from db.settings import get_settings


def main() -> int:
    credentials = get_settings().flower_basic_auth.get_secret_value()
    user, _, password = credentials.partition(":")
    if not user or not password:
        print("FLOWER_BASIC_AUTH must be user:password, both set; Flower will not start without it.", file=sys.stderr)
        return 2
    port = os.environ.get("PORT", "5555")
    # Flower reads FLOWER_BASIC_AUTH from its environment only, not from .env: hand it over that way, which
    # also keeps the secret out of `ps`.
    os.environ["FLOWER_BASIC_AUTH"] = credentials
    os.execvp(sys.executable, [sys.executable, "-m", "celery", "-A", "workers", "flower", f"--port={port}"])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
