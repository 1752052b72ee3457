"""The report of a check: a verdict, the diagnosis, and a table per case and per layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from .battery import Case
from .diagnose import OK_STATUS, CaseResult, Diagnosis

LEGEND = (
    "WRONG: this equation is wrong here, given what your own code fed it; inherited: wrong\n"
    "only because what came in was wrong; differs: not the reference, and with several\n"
    "samples and no δs returned the equation at fault cannot be told; ?: not known."
)
STYLE_NAMES = {"nielsen": "Nielsen style, one example per call", "batch": "batch style"}


@dataclass
class CheckReport:
    """What :func:`~backproplab.checking.learner.check_backprop` found.

    Attributes:
        passed: True when every case matches the reference (BP1–BP4 right everywhere).
        equation: the first wrong equation, ``"BP1"`` … ``"BP4"``, in backprop's order
            (output layer first; at a layer: δ, then BP3, then BP4); None when passed or
            when the function failed before any equation could be judged (an exception,
            a time-out, something other than gradients returned).
        layer: ℓ of that equation, counted from 1 (the first layer with weights) to L,
            in the case shown (``case``).
        hint: what the learner probably wrote, or the exception and its line.
        mistake: the key of the recognised mistake (see
            :data:`~backproplab.checking.learner.mistakes.MISTAKES`), or None.
        case: the case the diagnosis is shown on.
        results: every case's outcome. trace: the reference's shape trace on ``case``
            when shapes were wrong.
        costs: the costs checked; cost_note: one line saying which and why.
        convention: ``"means"``, or ``"sums"`` when every gradient is m × the reference
            (sums over the batch: passed, with a note).
        notes: what else was found in the learner's class (a wrong ``feedforward``).
    """

    style: str
    passed: bool
    equation: str | None = None
    layer: int | None = None
    hint: str | None = None
    mistake: str | None = None
    case: Case | None = None
    results: list[CaseResult] = field(default_factory=list)
    trace: str | None = None
    costs: tuple[str, ...] = ()
    cost_note: str | None = None
    convention: str = "means"
    notes: tuple[str, ...] = ()

    @classmethod
    def from_results(
        cls,
        style: str,
        results: list[CaseResult],
        diagnosis: Diagnosis | None,
        trace: str | None = None,
        *,
        costs: tuple[str, ...] = (),
        cost_note: str | None = None,
        convention: str = "means",
        notes: tuple[str, ...] = (),
    ) -> CheckReport:
        extra = {
            "costs": tuple(costs),
            "cost_note": cost_note,
            "convention": convention,
            "notes": tuple(notes),
        }
        if diagnosis is None:
            return cls(style, True, results=results, **extra)
        d = diagnosis
        case = d.showcase.case if d.showcase is not None else None
        return cls(
            style, False, d.equation, d.layer, d.hint, d.mistake, case, results, trace, **extra
        )

    def __repr__(self) -> str:
        return (
            f"CheckReport(passed={self.passed}, equation={self.equation!r}, "
            f"layer={self.layer}, mistake={self.mistake!r})"
        )

    def headline(self) -> str:
        """One line: the verdict and, when failed, the equation and layer."""
        n = len(self.results)
        if self.passed and self.convention == "sums":
            return (
                f"backprop check PASSED: all {n} cases match BP1–BP4 at every layer, as sums: "
                f"your gradients are m × ours: sums, not means — fine if your update divides by m"
            )
        if self.passed:
            return f"backprop check PASSED: all {n} cases match BP1–BP4 at every layer"
        wrong = sum(r.status != OK_STATUS for r in self.results)
        what = {"shape": "a shape", "order": "the order of the layers"}.get(
            self.equation, self.equation
        )
        if self.equation is not None and self.layer is not None:
            return (
                f"backprop check FAILED ({wrong} of {n} cases): {what} is wrong "
                f"at layer {self.layer}"
            )
        if self.equation is not None:
            return f"backprop check FAILED ({wrong} of {n} cases): {what} is wrong"
        return f"backprop check FAILED ({wrong} of {n} cases)"

    def __str__(self) -> str:
        lines = [self.headline(), f"  ({STYLE_NAMES[self.style]})"]
        if self.cost_note:
            lines.append(f"  {self.cost_note}")
        lines += [f"  note: {note}" for note in self.notes]
        if not self.passed:
            if self.case is not None:
                lines.append(f"  first seen in {self.case.describe()}")
            if self.hint:
                lines.append(f"  hint: {self.hint}")
        lines += ["", *_case_table(self.results)]
        shown_errors = set()
        for r in self.results:
            if r.verdicts is not None:
                lines += ["", f"{r.case.describe()}, layer by layer:", *_layer_table(r)]
            elif r.outcome.where is not None and r.outcome.where not in shown_errors:
                shown_errors.add(r.outcome.where)  # the same line failing again says no more
                lines += ["", f"{r.case.describe()}: {r.outcome.error}", f"  at {r.outcome.where}"]
        if any(r.verdicts is not None for r in self.results):
            lines += ["", LEGEND]
        if self.trace:
            lines += ["", self.trace]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The report as JSON-ready data (for autograders: ``backproplab check --json``)."""
        return {
            "passed": self.passed,
            "style": self.style,
            "equation": self.equation,
            "layer": self.layer,
            "hint": self.hint,
            "mistake": self.mistake,
            "case": None if self.case is None else self.case.describe(),
            "cases": [
                {
                    "case": r.case.describe(),
                    "status": r.status,
                    "first_wrong": None if r.first_wrong is None else list(r.first_wrong),
                    "error": r.outcome.error or r.outcome.problem,
                }
                for r in self.results
            ],
            "summary": self.headline(),
            "costs": list(self.costs),
            "cost_note": self.cost_note,
            "convention": self.convention,
            "notes": list(self.notes),
        }


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _case_table(results: list[CaseResult]) -> list[str]:
    rows = [["case", "result"]]
    rows += [[r.case.describe(), r.summary()] for r in results]
    return _columns(rows)


def _layer_table(r: CaseResult) -> list[str]:
    rows = [["layer", "δ (BP1/BP2)", "∂C/∂b (BP3)", "∂C/∂W (BP4)", "error ∂C/∂b", "error ∂C/∂W"]]
    for v in r.verdicts:
        errors = [f"{e:.1e}" if e != float("inf") else "-" for e in (v.error_b, v.error_w)]
        rows.append([str(v.layer), v.delta, v.bp3, v.bp4, *errors])
    return ["  " + line for line in _columns(rows)]
