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
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per importer.")
    @db_option
    @as_of_option
    def activate(importers, filer, ctpat, payment, as_json, db, as_of):
        """Send an activation request (an XP transmission, up to 99 importers a block).

        Exit 0 when every switch is set (now or already), 1 when any request was refused.
        """
        outcomes = _submit(db, as_of, filer, importers, action="A", payment_type=payment, ctpat=ctpat)
        status = EXIT_OK
        for p9 in outcomes:
            _show(p9, as_json)
            if p9.result == 3:
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
        """Whether an entry may be paid on a periodic monthly statement (exit 0 yes, 1 no)."""
        from abisim.rules.pms import eligible_for_pms

        ok, reason = eligible_for_pms(entry_type, excise)
        click.echo(("eligible: " if ok else "not eligible: ") + reason)
        sys.exit(EXIT_OK if ok else EXIT_FINDING)


def _submit(db, as_of, filer, importers, **request):
    from abisim.build import MAX_PER_XP_BLOCK, p1_records
    from abisim.cli.common import filer_transmission
    from abisim.transmission import parse

    sim = open_simulator(db, as_of)
    out = []
    for start in range(0, len(importers), MAX_PER_XP_BLOCK):
        p1s = p1_records(importers[start:start + MAX_PER_XP_BLOCK], layouts=sim.layouts, **request)
        answer = parse(sim.submit(filer_transmission(sim, filer, "XP", p1s), channel="cli"))
        details = [r for b in answer.blocks for r in b.details]
        if any(r.record_id == "X1" for r in details):
            click.echo("CBP rejected the batch: " + "; ".join(
                f"{r.condition_code} {r.narrative}" for r in details if r.record_id == "X1"), err=True)
            sys.exit(EXIT_INPUT)
        out.extend(details)
    return out


def _show(p9, as_json: bool) -> None:
    if as_json:
        click.echo(dumps(dict(importer_number=p9.importer_number, result=p9.result,
                              outcome=RESULTS.get(p9.result), condition_code=p9.condition_code,
                              narrative=p9.narrative, switch_filer=p9.switch_filer, switch_date=p9.switch_date)))
        return
    line = f"{p9.importer_number:<12}  {RESULTS.get(p9.result, p9.result)}"
    if p9.condition_code:
        line += f"  {p9.condition_code} {p9.narrative}"
    if p9.switch_filer:
        line += f"  (filer {p9.switch_filer} on {p9.switch_date.isoformat() if p9.switch_date else '?'})"
    click.echo(line)
