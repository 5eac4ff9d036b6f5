"""``abisim pms activate|status|eligible``: Periodic Monthly Statement activation (XP -> XQ)."""

from __future__ import annotations

import sys

import click

from abisim.cli.common import EXIT_FINDING, EXIT_INPUT, EXIT_OK, as_of_option, db_option, dumps, open_simulator

RESULTS = {1: "switch set", 2: "already set", 3: "refused", 4: "switch is set", 5: "switch is not set"}


def register(main: click.Group) -> None:
    @main.group("pms")
    def pms_group():
        """Periodic Monthly Statement: activation requests, switch status, entry eligibility."""

    @pms_group.command("activate")
    @click.argument("importers", nargs=-1, required=True)
    @click.option("--filer", required=True, help="The broker's filer code.")
    @click.option("--ctpat", is_flag=True, help="The importers are C-TPAT certified (path C; no bond comparison).")
    @click.option("--payment", type=click.Choice(["D", "C"]), default="D", show_default=True,
                  help="D: ACH debit, C: ACH credit.")
    @click.option("--5106", "five106", type=click.Path(exists=True, dir_okay=False), default=None,
                  help="The broker's 5106s (a TP transmission): P02 judges these instead of the 5106s on file.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per importer.")
    @db_option
    @as_of_option
    def activate(importers, filer, ctpat, payment, five106, as_json, db, as_of):
        """Send an activation request (an XP transmission, up to 99 importers a block).

        Exit 0 when every switch is set (now or already), 1 when any request was refused.
        """
        from abisim.rules.pms import with_five106_judged

        attached = _read_5106s(five106, importers) if five106 else {}
        outcomes = with_five106_judged(_submit(db, as_of, filer, importers, action="A", payment_type=payment,
                                               ctpat=ctpat, five106s=attached), ctpat, attached)
        status = EXIT_OK
        for outcome in outcomes:
            _show(outcome, as_json)
            if outcome.result == 3:
                status = EXIT_FINDING
        sys.exit(status)

    @pms_group.command("status")
    @click.argument("importers", nargs=-1, required=True)
    @click.option("--filer", default="XJ5", show_default=True, help="The asking broker's filer code.")
    @click.option("--json", "as_json", is_flag=True)
    @db_option
    @as_of_option
    def status(importers, filer, as_json, db, as_of):
        """Whether the PMS switch is set for each importer number (P1 action Q)."""
        for p9 in _submit(db, as_of, filer, importers, action="Q"):
            _show(p9, as_json)

    @pms_group.command("eligible")
    @click.argument("entry_type")
    @click.option("--excise", is_flag=True, help="The entry requires payment of excise tax.")
    def eligible(entry_type, excise):
        """Whether an entry may be paid on a periodic monthly statement (exit 0 yes, 1 no).

        ENTRY_TYPE is a two-digit code of CBP's entry-type list (01, 06, 09, ...)."""
        from abisim.rules.pms import eligible_for_pms

        try:
            ok, reason = eligible_for_pms(entry_type, has_excise_tax=excise)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="ENTRY_TYPE")
        click.echo(("eligible: " if ok else "not eligible: ") + reason)
        sys.exit(EXIT_OK if ok else EXIT_FINDING)


def _read_5106s(path: str, importers) -> dict:
    """The 5106 of each importer number found in a TP transmission file (exit 2 if none)."""
    from abisim.cli.common import report_error
    from abisim.rules.bond_team import five106_of
    from abisim.transmission import parse

    t = parse(path)
    fatal = [e for e in t.errors if e.is_fatal]
    for e in fatal:
        report_error(e, path)
    records = list(t.records())
    found = {n: g for n in importers if (g := five106_of(records, n)) is not None}
    if fatal or not found:
        if not fatal:
            click.echo(f"{path}: no 5106 (T1) for {', '.join(importers)}", err=True)
        sys.exit(EXIT_INPUT)
    return found


def _submit(db, as_of, filer, importers, five106s=None, **request):
    from abisim.build import MAX_PER_XP_BLOCK, p1_records
    from abisim.cli.common import filer_transmission
    from abisim.rules.pms import outcomes_of
    from abisim.transmission import parse

    sim = open_simulator(db, as_of)
    out = []
    for start in range(0, len(importers), MAX_PER_XP_BLOCK):
        p1s = p1_records(importers[start:start + MAX_PER_XP_BLOCK], layouts=sim.layouts, **request)
        p1s = [r for p1 in p1s for r in (p1, *(five106s or {}).get(p1.importer_number, ()))]
        answer = parse(sim.submit(filer_transmission(sim, filer, "XP", p1s), channel="cli"))
        details = [r for b in answer.blocks for r in b.details]
        if any(r.record_id == "X1" for r in details):
            click.echo("CBP rejected the batch: " + "; ".join(
                f"{r.condition_code} {r.narrative}" for r in details if r.record_id == "X1"), err=True)
            sys.exit(EXIT_INPUT)
        out.extend(outcomes_of(details))
    return out


def _show(o, as_json: bool) -> None:
    if as_json:
        click.echo(dumps({**o.to_json(), "outcome": RESULTS.get(o.result)}))
        return
    line = f"{o.importer_number:<12}  {RESULTS.get(o.result, o.result)}"
    if o.condition_code:
        line += f"  {o.condition_code} {o.narrative}"
    if o.switch_date and o.result in (2, 4):
        # ruling 30: the holder is named only to the holder itself
        line += f"  (set on {o.switch_date.isoformat()}" + (" by you)" if o.switch_filer else ")")
    elif o.switch_filer:
        line += f"  (filer {o.switch_filer} on {o.switch_date.isoformat() if o.switch_date else '?'})"
    click.echo(line)
    if o.five106:
        click.echo(f"    5106 compared: {o.five106}")
    for f in o.findings:
        click.echo(f"    {f.code} {f.field}: 5106 {f.tp.value!r}, bond data {f.bond.value!r}")
