"""``abisim demo`` (and ``make demo``, ``python -m abisim.demo``): the Periodic Monthly
Statement story of CBP's notice, told end to end on a fresh sample database, the
non-C-TPAT path: 5106, bond query, comparison, inconsistency, bond rider, activation,
and a second broker told the switch is already set.

The story is data: :data:`PARTS` maps a part's name to its steps, each a function of the
:class:`Demo` (the database, the simulator, what earlier steps found). A new part is a
list of steps appended to ``PARTS``; ``abisim demo --part NAME`` tells one part only.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Callable

import attrs
import click

import abisim
from abisim import fixtures, sample
from abisim.clock import Clock
from abisim.records import make
from abisim.simulator import Simulator
from abisim.store import Store

IMPORTER = "12-3456789A1"
BROKER, SECOND_BROKER = "XJ5", "SV9"
DEFAULT_DB = "demo/abisim-demo.sqlite3"


@attrs.define
class Demo:
    """What the steps share: the database, the simulator, and what earlier steps found."""

    db: Path
    as_of: dt.date
    store: Store
    sim: Simulator
    echo: Callable[[str], None] = print
    found: dict = attrs.Factory(dict)
    step_number: int = 0

    def say(self, title: str, text: str) -> None:
        self.echo(f"\n== {self.step_number}. {title}")
        self.echo(textwrap.fill(text, width=92))
        self.step_number += 1

    def show(self, data: bytes, only=None) -> None:
        for line in data.decode("latin-1").splitlines():
            if only is None or line[:2] in only or line[:1] in only:
                self.echo("   |" + line.rstrip())

    def submit(self, data: bytes) -> bytes:
        return self.sim.submit(data, channel="cli")

    def transmission(self, app: str, record_id: str, filer: str = BROKER, **values) -> bytes:
        return abisim.render(sample.envelope(app, [make(self.sim.layouts[record_id], **values)], filer))


def details(answer: bytes) -> list:
    return [r for b in abisim.parse(answer).blocks for r in b.details]


# ---------------------------------------------------------------- the PMS story


def simulated_cbp(d: Demo) -> None:
    counts = d.found["counts"]
    d.say("A simulated CBP", f"Fresh database {d.db} with the sample data ({counts['importers']} importers, "
          f"{counts['bonds']} continuous bonds, filers XJ5, SV9, NP1), as of {d.as_of.isoformat()}.")


def the_5106(d: Demo) -> None:
    from abisim.rules.importer import split_importers

    five106 = sample.files(f"importers/{IMPORTER}.abi").read_bytes()
    group = split_importers(abisim.parse(five106).blocks[0].details)[0]
    d.found.update(five106=five106, group=group)
    t1 = group[0]
    d.say("The importer's CBP Form 5106", f"Broker {BROKER} holds a power of attorney from {IMPORTER} and reads "
          f"its 5106 ({IMPORTER}.abi): {t1.importer_name}, mailing address {t1.mail_address_1!r}.")
    d.show(five106, only=("T1", "T2"))


def filing_the_update(d: Demo) -> None:
    d.say("Filing the 5106 as an update", "The 5106 changes the mailing address, but a continuous bond is on "
          "file: since eBond, only the Revenue Division bond team may change it (ruling 8).")
    d.show(d.submit(d.found["five106"]), only=("E0", "E1"))


def bond_query(d: Demo) -> None:
    d.found["query"] = d.transmission("KI", "K", importer_number_1=IMPORTER, address_request_1="1")
    answer = d.submit(d.found["query"])
    d.say("The bond query (KI -> KR)", "The broker asks which continuous bonds cover the importer number, "
          "and what name and address CBP holds for it.")
    d.show(answer, only=("K1", "K2", "K3", "K4", "K5", "K6"))
    d.found["kr"] = details(answer)


def comparing(d: Demo) -> None:
    from abisim.compare import compare

    result = compare(d.found["group"], d.found["kr"], d.as_of)
    d.say("Comparing the 5106 with the bond data", f"Verdict: {result.verdict.upper()}.")
    for f in result.findings + result.warnings:
        d.echo(f"   {f.code} {f.field}: 5106 {f.tp_value!r} <> bond {f.bond_value!r}  ({f.message})")


def activation_too_early(d: Demo) -> None:
    d.found["activation"] = d.transmission("XP", "P1", action="A", importer_number=IMPORTER, payment_type="D",
                                           path="N")
    d.say("Activation request, too early", "The broker asks CBP to put the importer on the Periodic Monthly "
          "Statement; CBP compares the data too and refuses.")
    d.show(d.submit(d.found["activation"]), only=("P9",))


def bond_rider(d: Demo) -> None:
    from abisim.rules.bond_team import apply_rider

    d.say("The bond rider", "The importer says its 5106 is right and files a bond rider with the same name "
          "and address. The bond team applies it and tells the broker the update is complete.")
    done = apply_rider(d.store, IMPORTER, d.found["group"], d.as_of, BROKER)
    d.echo(f"   updated: {', '.join(done.changed)}; bonds: {', '.join(done.bonds)}")
    for n in d.store.notifications(BROKER)[-1:]:
        d.echo(f"   notification to {n['recipient']}: {n['text']}")


def query_again(d: Demo) -> None:
    from abisim.compare import compare

    answer = d.submit(d.found["query"])
    result = compare(d.found["group"], details(answer), d.as_of)
    d.say("Query again, compare again", f"The bond query now answers the new address. Verdict: "
          f"{result.verdict.upper()}.")
    d.show(answer, only=("K3",))


def activation(d: Demo) -> None:
    d.say("Activation", "The importer is not C-TPAT certified, so CBP checks the ACE portal account, the "
          "importer number, the payment type, the bond, the power of attorney and the comparison; all pass.")
    d.show(d.submit(d.found["activation"]), only=("P9",))
    d.show(d.submit(d.found["query"]), only=("K2",))
    d.echo("   (K2 column 46 is now Y: the importer is on the Periodic Monthly Statement)")


def second_broker(d: Demo) -> None:
    second = d.transmission("XP", "P1", SECOND_BROKER, action="A", importer_number=IMPORTER, payment_type="C",
                            path="N")
    d.say("A second broker", f"Broker {SECOND_BROKER} asks too, and is told the switch is already set, and "
          "since when (never by whom: only the holder is told its own filer code).")
    d.show(d.submit(second), only=("P9",))


def notifications(d: Demo) -> None:
    d.say("Notifications", "What CBP wrote to each broker (and the copies to CBP Account Managers).")
    for filer in (BROKER, SECOND_BROKER):
        for n in d.store.notifications(filer):
            d.echo(f"   {filer} <- {n['recipient']}: {n['text']}")


def entries_off_the_statement(d: Demo) -> None:
    from abisim.rules.pms import eligible_for_pms

    d.say("Entries that stay off the statement", "Reconciliation (09), NAFTA duty deferral (08) and any entry "
          "with excise tax may not be paid on a periodic monthly statement.")
    for entry_type, excise in (("01", False), ("09", False), ("08", False), ("01", True)):
        ok, reason = eligible_for_pms(entry_type, excise)
        d.echo(f"   {entry_type}{' +excise' if excise else ''}: {'yes' if ok else 'no '} - {reason}")


def by_email(d: Demo) -> None:
    from abisim.demo_mail import tell_by_email

    tell_by_email(d.sim, step=d.step_number)
    d.step_number += 3  # the e-mail part tells three steps


def certification(d: Demo) -> None:
    from abisim.certify.demo import show_certification

    def say(title: str, text: str) -> None:
        d.echo(f"\n== {d.step_number}. {title}")
        d.echo(text)  # a report: already laid out
        d.step_number += 1

    show_certification(say)


def the_journal(d: Demo) -> None:
    rows = d.store.journal()
    d.echo(f"\nEvery exchange is in the journal: {len(rows)} exchanges. "
           f"Try: abisim journal --db {d.db}   or: abisim query --db {d.db} {IMPORTER}")


# Part name -> steps, told in this order. Other parts append themselves here.
PARTS: dict[str, list[Callable[[Demo], None]]] = {
    "pms": [the_5106, filing_the_update, bond_query, comparing, activation_too_early, bond_rider, query_again,
            activation, second_broker, notifications, entries_off_the_statement],
    "email": [by_email],  # the same process as CBP's notice runs it, by e-mail (abisim.demo_mail)
    "certification": [certification],  # a certification plan run by a broker, then a sloppy one (abisim.certify)
}


def run(db: str | Path = DEFAULT_DB, as_of: dt.date | None = None, parts: list[str] | None = None,
        echo: Callable[[str], None] = print) -> Demo:
    """Tell the story on a fresh database at ``db``: the named parts (default all)."""
    as_of = as_of or dt.date.today()
    db = Path(db)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    d = Demo(db, as_of, store, Simulator(store, Clock(as_of)), echo)
    d.found["counts"] = fixtures.load(store, sample.fixture(as_of))
    simulated_cbp(d)
    for name in parts or list(PARTS):
        for step in PARTS[name]:
            step(d)
    the_journal(d)
    return d


@click.command("demo")
@click.option("--db", default=DEFAULT_DB, show_default=True, metavar="PATH",
              help="The demo's database (made afresh).")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="The simulated date (default: today).")
@click.option("--part", "parts", multiple=True, type=click.Choice(list(PARTS)),
              help="Tell only this part of the story (repeatable; default: all).")
def demo(db, as_of, parts):
    """Tell the PMS activation story end to end on a fresh sample database."""
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {as_of!r}", param_hint="--as-of")
    d = run(db, day, list(parts) or None, click.echo)
    d.store.close()


if __name__ == "__main__":
    demo(auto_envvar_prefix="ABISIM")
