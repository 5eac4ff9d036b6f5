"""The certification part of ``make demo``: the 5106 plan driven by the reference broker,
then by a broker that resends a rejected 5106 unchanged."""

from __future__ import annotations

from abisim.certify import load, report
from abisim.certify.runner import run
from abisim.certify.scripted import SCRIPTS, broker


def show_certification(say=None) -> bool:
    """Print two certification runs of the shipped TP plan; True when they came out as they should."""
    say = say or (lambda title, text: print(f"\n== {title}\n{text}"))
    plan = load("tp")
    steps = [s.id for s in plan.steps]
    good = run(plan, broker(SCRIPTS["tp"], steps))
    say("Certification: the 5106 plan, a broker that does it right",
        f"abisim plays CBP while the broker's software sends; `abisim certify run tp` does the same over HTTP "
        f"and TCP.\n{report.text(good)}")
    sloppy = {**SCRIPTS["tp"], "tp-duplicate-corrected": SCRIPTS["tp"]["tp-duplicate-add"]}
    bad = run(plan, broker(sloppy, steps))
    failed = bad.first_failure
    say("Certification: a broker that resends a rejected 5106 unchanged",
        "\n".join(report.text(bad).splitlines()[:1] + [
            f"  first failure: {failed.step.id}"] + [f"    {f.matcher}: {f.located()}" for f in failed.failures]))
    return good.passed and not bad.passed
