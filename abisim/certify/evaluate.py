"""A plan against the exchanges of a run, in order: which steps passed, which failed and why.

Pure. Each exchange is matched to the step the plan expects next. An exchange that does
not fit it but fits a later step means the steps in between were never sent (missing);
one that fits no step fails the expected step with the reasons of its matchers. Steps
whose dependencies did not pass are skipped.
"""

from __future__ import annotations

import attrs

from abisim.certify.journal import Exchange
from abisim.certify.matchers import Failure, check_answer, check_sent, details
from abisim.certify.plan import Plan, Step
from abisim.transmission import parse

PASSED, FAILED, SKIPPED, PENDING = "passed", "failed", "skipped", "pending"


@attrs.frozen
class StepResult:
    step: Step
    status: str
    exchange: Exchange | None = None
    failures: tuple[Failure, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def to_json(self) -> dict:
        return {"id": self.step.id, "title": self.step.title, "application": self.step.application,
                "status": self.status, "exchange": self.exchange.id if self.exchange else None,
                "sent": self.exchange.sent if self.exchange else None,
                "answer": self.exchange.answer if self.exchange else None,
                "failures": [f.to_json() for f in self.failures]}


@attrs.frozen
class Result:
    plan: Plan
    steps: tuple[StepResult, ...]
    unexpected: tuple[Exchange, ...] = ()  # exchanges after the last step

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.steps)

    @property
    def complete(self) -> bool:
        """Every step decided: no step is waiting for a transmission."""
        return all(s.status != PENDING for s in self.steps)

    @property
    def first_failure(self) -> StepResult | None:
        return next((s for s in self.steps if s.status == FAILED), None)

    def to_json(self) -> dict:
        return {"format": "abisim-certification-result-1", "plan": self.plan.name, "title": self.plan.title,
                "source": self.plan.source, "passed": self.passed,
                "counts": {k: sum(1 for s in self.steps if s.status == k) for k in (PASSED, FAILED, SKIPPED, PENDING)},
                "steps": [s.to_json() for s in self.steps],
                "unexpected": [e.to_json() for e in self.unexpected]}


def envelope_failures(plan: Plan, step: Step, sent) -> list[Failure]:
    """The transmission's application and filer."""
    out = []
    a = next((r for r in sent.records() if r.record_id == "A"), None)
    blocks = sent.blocks
    if a is None or not blocks:
        return [Failure("envelope", "not a transmission abisim can read (no A record or no block)")]
    apps = {b.application_id for b in blocks}
    if apps != {step.application}:
        b = blocks[0].header
        out.append(Failure("application", f"a {'/'.join(sorted(x or '?' for x in apps))} transmission, expected "
                                          f"{step.application}", "B", b.line, (11, 12), "application_id",
                           step.application, "/".join(sorted(x or "?" for x in apps))))
    if a.id_code != plan.filer:
        out.append(Failure("filer", f"sent by {a.id_code!r}, expected filer {plan.filer}", "A", a.line, (6, 8),
                           "id_code", plan.filer, a.id_code))
    return out


def check_step(plan: Plan, step: Step, ex: Exchange, earlier: dict[str, Exchange], *,
               with_answer: bool = True) -> list[Failure]:
    """Every matcher of a step against one exchange (the answer too, when there is one)."""
    if ex.sent is None:
        return [Failure("journal", "the journal kept no body for this exchange: keep bodies to certify")]
    sent = parse(ex.sent.encode("latin-1"))
    out = envelope_failures(plan, step, sent)
    if out and out[0].matcher == "envelope":
        return out
    if not details(sent):
        return out + [Failure("envelope", "the block carries no detail record")]
    for m in step.expect:
        out += check_sent(m, sent, earlier)
    if with_answer and ex.answer is not None and step.reject is None:
        out += check_answer(step.answer, ex.answer)
    return out


def evaluate(plan: Plan, exchanges: list[Exchange], *, final: bool = True) -> Result:
    """Match exchanges to steps in order. ``final``: no more exchanges will come, so a step
    still waiting has failed (missing); otherwise it stays pending."""
    steps = plan.steps
    status: dict[str, StepResult] = {}
    earlier: dict[str, Exchange] = {}
    i = 0
    unexpected = []

    def blocked(step: Step) -> str | None:
        for dep in step.depends_on:
            if dep not in status or not status[dep].passed:
                return dep
        return None

    def skip_blocked() -> None:
        nonlocal i
        while i < len(steps) and steps[i].id not in status and blocked(steps[i]) is not None:
            dep = blocked(steps[i])
            if dep in status:
                status[steps[i].id] = StepResult(steps[i], SKIPPED, None, (
                    Failure("after", f"depends on step {dep}, which did not pass"),))
                i += 1
            else:
                break

    for ex in exchanges:
        skip_blocked()
        if i >= len(steps):
            unexpected.append(ex)
            continue
        failures = check_step(plan, steps[i], ex, earlier)
        if failures:
            later = next((j for j in range(i + 1, len(steps)) if blocked(steps[j]) is None
                          and not check_step(plan, steps[j], ex, earlier, with_answer=False)), None)
            if later is not None:
                for k in range(i, later):
                    if steps[k].id not in status:
                        status[steps[k].id] = StepResult(steps[k], FAILED, None, (Failure(
                            "missing", f"no transmission for this step: exchange {ex.id} fits step "
                                       f"{steps[later].id} instead"),))
                i = later
                failures = check_step(plan, steps[i], ex, earlier)
        step = steps[i]
        status[step.id] = StepResult(step, FAILED if failures else PASSED, ex, tuple(failures))
        if not failures:
            earlier[step.id] = ex
        i += 1
    skip_blocked()
    for step in steps:
        if step.id in status:
            continue
        dep = blocked(step)
        if dep is not None and dep in status and status[dep].status == PENDING:
            status[step.id] = StepResult(step, PENDING)
        elif dep is not None and dep in status:
            status[step.id] = StepResult(step, SKIPPED, None, (
                Failure("after", f"depends on step {dep}, which did not pass"),))
        elif final:
            status[step.id] = StepResult(step, FAILED, None, (Failure("missing", "no transmission for this step"),))
        else:
            status[step.id] = StepResult(step, PENDING)
    results = [status[step.id] for step in steps]
    return Result(plan, tuple(results), tuple(unexpected))


def step_for(plan: Plan, exchanges: list[Exchange], sent: bytes) -> Step | None:
    """The step an incoming transmission would be matched to (before it is answered), to
    know whether that step forces a reject."""
    probe = Exchange(id=(exchanges[-1].id + 1) if exchanges else 1, sent=sent.decode("latin-1"))
    before = evaluate(plan, exchanges, final=False)
    after = evaluate(plan, [*exchanges, probe], final=False)
    for a, b in zip(before.steps, after.steps):
        if b.exchange is probe and b.status == PASSED:
            return b.step
    return None
