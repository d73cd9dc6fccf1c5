"""`python -m bot`: the Discord front end. It arrives with the Discord issue; until then this says so."""

from __future__ import annotations

import sys


def main() -> int:
    print(
        "The Discord client is not built yet: this release has the backend only (the queue, the waves on "
        "Celery and the event stream). Run `make demo` to watch it work with simulated players.",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
