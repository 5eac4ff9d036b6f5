"""Certification plans: scripted scenarios a broker's software must pass, judged from the
journal of what it sent (docs/certification.md)."""

from abisim.certify.evaluate import Result, StepResult, evaluate
from abisim.certify.plan import Plan, PlanError, Step, load, loads, shipped

__all__ = ["Plan", "PlanError", "Result", "Step", "StepResult", "evaluate", "load", "loads", "shipped"]
