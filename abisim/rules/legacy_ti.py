"""TI -> TR: the legacy "Add CBPF-5106 to Importer/Consignee File" (ruling 5).

The same importer rules as TP (abisim.rules.importer) over the records TI carries (T1,
TA, T2, TB, TC); the answer is one T3 per problem, or a T4 when accepted (with the
CBP-assigned number when the action was N), and a T5 in test mode.
"""

from __future__ import annotations

from abisim.errors import narrative
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
            out += [message("T3", e.code, e.message) for e in errors]
        else:
            out.append(message("T4", "K32", narrative("K32")))
            if ctx.test_mode:
                out.append(message("T5", "2EE", narrative("2EE")))
    return out
