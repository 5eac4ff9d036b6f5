"""``make demo``: the Periodic Monthly Statement story of CBP's notice, told end to end on a
fresh sample database, the non-C-TPAT path: 5106, bond query, comparison, inconsistency,
bond rider, activation, and a second broker told the switch is already set.

    python -m abisim.demo [--db PATH] [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
from pathlib import Path

import abisim
from abisim import fixtures, sample
from abisim.clock import Clock
from abisim.records import make
from abisim.rules.bond_team import apply_rider
from abisim.rules.importer import split_importers
from abisim.rules.pms import eligible_for_pms
from abisim.simulator import Simulator
from abisim.store import Store

IMPORTER = "12-3456789A1"
BROKER, SECOND_BROKER = "XJ5", "SV9"
SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "importers"


def say(step: str, text: str) -> None:
    print(f"\n== {step}")
    print(textwrap.fill(text, width=92))


def show(data: bytes, only=None) -> None:
    for line in data.decode("latin-1").splitlines():
        if only is None or line[:2] in only or line[:1] in only:
            print("   |" + line.rstrip())


def details(answer: bytes) -> list:
    return [r for b in abisim.parse(answer).blocks for r in b.details]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="demo/abisim-demo.sqlite3")
    ap.add_argument("--as-of", default=None)
    args = ap.parse_args(argv)
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    db = Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    counts = fixtures.load(store, sample.fixture(as_of))
    sim = Simulator(store, Clock(as_of))
    from abisim.compare import compare

    say("0. A simulated CBP", f"Fresh database {db} with the sample data ({counts['importers']} importers, "
        f"{counts['bonds']} continuous bonds, filers XJ5, SV9, NP1), as of {as_of.isoformat()}.")

    path = SAMPLES / f"{IMPORTER}.abi"
    five106 = abisim.parse(path)
    group = split_importers(five106.blocks[0].details)[0]
    t1 = group[0]
    say("1. The importer's CBP Form 5106", f"Broker {BROKER} holds a power of attorney from {IMPORTER} and reads "
        f"its 5106 ({path.name}): {t1.importer_name}, mailing address {t1.mail_address_1!r}.")
    show(path.read_bytes(), only=("T1", "T2"))

    say("2. Filing the 5106 as an update", "The 5106 changes the mailing address, but a continuous bond is on "
        "file: since eBond, only the Revenue Division bond team may change it (ruling 8).")
    show(sim.submit(path.read_bytes()), only=("E0", "E1"))

    query = abisim.render(sample.envelope("KI", [make(sim.layouts["K"], importer_number_1=IMPORTER,
                                                      address_request_1="1")], BROKER))
    answer = sim.submit(query)
    say("3. The bond query (KI -> KR)", "The broker asks which continuous bonds cover the importer number, "
        "and what name and address CBP holds for it.")
    show(answer, only=("K1", "K2", "K3", "K4", "K5", "K6"))

    result = compare(group, details(answer), as_of)
    say("4. Comparing the 5106 with the bond data", f"Verdict: {result.verdict.upper()}.")
    for f in result.findings + result.warnings:
        print(f"   {f.code} {f.field}: 5106 {f.tp_value!r} <> bond {f.bond_value!r}  ({f.message})")

    activation = abisim.render(sample.envelope("XP", [make(sim.layouts["P1"], action="A", importer_number=IMPORTER,
                                                           payment_type="D", path="N")], BROKER))
    say("5. Activation request, too early", "The broker asks CBP to put the importer on the Periodic Monthly "
        "Statement; CBP compares the data too and refuses.")
    show(sim.submit(activation), only=("P9",))

    say("6. The bond rider", "The importer says its 5106 is right and files a bond rider with the same name "
        "and address. The bond team applies it and tells the broker the update is complete.")
    done = apply_rider(store, IMPORTER, group, as_of, BROKER)
    print(f"   updated: {', '.join(done.changed)}; bonds: {', '.join(done.bonds)}")
    for n in store.notifications(BROKER)[-1:]:
        print(f"   notification to {n['recipient']}: {n['text']}")

    answer = sim.submit(query)
    result = compare(group, details(answer), as_of)
    say("7. Query again, compare again", f"The bond query now answers the new address. Verdict: "
        f"{result.verdict.upper()}.")
    show(answer, only=("K3",))

    say("8. Activation", "The importer is not C-TPAT certified, so CBP checks the ACE portal account, the "
        "importer number, the payment type, the bond, the power of attorney and the comparison; all pass.")
    show(sim.submit(activation), only=("P9",))
    show(sim.submit(query), only=("K2",))
    print("   (K2 column 46 is now Y: the importer is on the Periodic Monthly Statement)")

    second = abisim.render(sample.envelope("XP", [make(sim.layouts["P1"], action="A", importer_number=IMPORTER,
                                                       payment_type="C", path="N")], SECOND_BROKER))
    say("9. A second broker", f"Broker {SECOND_BROKER} asks too, and is told the switch is already set, and "
        "since when (never by whom: only the holder is told its own filer code).")
    show(sim.submit(second), only=("P9",))

    say("10. Notifications", "What CBP wrote to each broker (and the copies to CBP Account Managers).")
    for filer in (BROKER, SECOND_BROKER):
        for n in store.notifications(filer):
            print(f"   {filer} <- {n['recipient']}: {n['text']}")

    say("11. Entries that stay off the statement", "Reconciliation (09), NAFTA duty deferral (08) and any entry "
        "with excise tax may not be paid on a periodic monthly statement.")
    for entry_type, excise in (("01", False), ("09", False), ("08", False), ("01", True)):
        ok, reason = eligible_for_pms(entry_type, excise)
        print(f"   {entry_type}{' +excise' if excise else ''}: {'yes' if ok else 'no '} - {reason}")
    from abisim.demo_mail import tell_by_email

    tell_by_email(sim, step=12)
    print(f"\nThe exchange is in the journal: {len(store.journal())} rows. "
          f"Try: abisim query --db {db} {IMPORTER}")
    from abisim.certify.demo import show_certification

    show_certification()
    return 0


if __name__ == "__main__":
    sys.exit(main())
