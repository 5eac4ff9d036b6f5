"""``abisim demo``: the command lives with its story, in abisim.demo."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    from abisim.demo import demo

    main.add_command(demo)
