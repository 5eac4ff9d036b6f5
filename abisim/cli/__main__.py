"""``python -m abisim.cli``: the same as the ``abisim`` command."""

from abisim.cli import main

main()
