"""TI -> TR: the legacy "Add CBPF-5106 to Importer/Consignee File" (rulings 5 and 20).

The same importer rules as TP (abisim.rules.importer) over the records TI carries (T1,
TA, T2, TB, TC). The answer, as vendors' fixtures show it: for each problem, an echo of
the input record in error followed by its T3; an accepted add of a CBP-assigned number
(action N) is a T4 carrying the new number, an accepted add or update of a number the
importer already had is a T5 (K32). In test mode the record the live answer would have
used carries 2EE instead.
"""

from __future__ import annotations

from abisim.errors import narrative
from abisim.layouts.ti_legacy import ECHOED
from abisim.records import Record, make
from abisim.rules.importer import apply, cross_record_errors, split_importers

SCOPE = "TR"


def answer_block(ctx, block) -> list[Record]:
    layouts = ctx.layouts.within(SCOPE)
    out: list[Record] = []
    for group in split_importers(block.details):
        t1 = group[0]
        errors = [e for r in group for e in ctx.errors_of(r)]
        errors += cross_record_errors(group)
        number = t1.importer_number if isinstance(t1.importer_number, str) else None
        if not errors:
            errors, number = apply(ctx.store, group, ctx.as_of, ctx.port)
        name = t1.importer_name if isinstance(t1.importer_name, str) else None

        def message(rid, code, text):
            return make(layouts[rid], importer_number=number, message_code=code[:3], message_text=text[:30],
                        importer_name=name)

        if errors:
            by_line = {r.line: r for r in group if r.record_id in ECHOED}
            for e in errors:
                in_error = by_line.get(e.line, t1)
                out.append(make(layouts[in_error.record_id], **in_error.values()))
                out.append(message("T3", e.code, e.message))
        else:
            code = "2EE" if ctx.test_mode else "K32"
            out.append(message("T4" if t1.action == "N" else "T5", code, narrative(code)))
    return out
