"""The README's example harness runs as written."""

from __future__ import annotations

import re
from pathlib import Path

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parent.parent


def test_readme_harness_passes(pytester):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(# test_broker\.py.*?)```", text, re.S).group(1)
    pytester.makepyfile(test_broker=block)  # in an empty directory: the samples come from the package
    pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=4)
