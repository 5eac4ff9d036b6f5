"""The tests draw from abisim's public strategies (abisim.strategies)."""

from abisim.strategies import *  # noqa: F401,F403
