"""From the per-case outcomes to one diagnosis: which equation, which layer, and why.

1. Every :class:`~backproplab.checking.learner.mistakes.Mistake` is run on every case (at every
   layer, and for the ones that can be made at one layer, at each single layer). A mistake
   that reproduces the learner's gradients on every case — and its exceptions on the cases
   where the mistake has no valid shapes — is the diagnosis; the equation and layer are
   where its output first departs from the reference, in backprop's order.
2. Otherwise the first failing case is judged equation by equation
   (:func:`~backproplab.checking.learner.compare.local_verdicts`), with a hint from what can still
   be recognised: a mistake that explains that case alone, a constant factor, a shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .battery import Case
from .compare import SHAPE, LayerVerdict, first_wrong, local_verdicts, matches
from .hooks import Gradients
from .mistakes import MISTAKES, Mistake, variant_backprop
from .run import Outcome

OK_STATUS, WRONG_STATUS, ERROR, TIMEOUT, PROBLEM, SKIPPED = (
    "ok",
    "WRONG",
    "raised",
    "timed out",
    "returned",
    "skipped",
)


@dataclass
class CaseResult:
    """One case: what the learner's function did and the verdicts on it.

    ``status`` is ``ok``, ``WRONG`` (gradients differ), ``raised`` (an exception),
    ``timed out``, ``returned`` (something that is not gradients), or ``skipped`` (after a
    time-out); ``verdicts`` is the layer-by-layer judgement of a ``WRONG`` case.
    """

    case: Case
    outcome: Outcome
    status: str
    verdicts: list[LayerVerdict] | None = None

    @property
    def first_wrong(self) -> tuple[str, int] | None:
        return None if self.verdicts is None else first_wrong(self.verdicts)

    @property
    def has_deltas(self) -> bool:
        g = self.outcome.gradients
        return g is not None and (g.deltas is not None or self.case.n_samples == 1)

    def summary(self) -> str:
        if self.status == WRONG_STATUS:
            found = self.first_wrong
            where = f": {found[0]} at layer {found[1]}" if found else ""
            return f"WRONG{where}"
        if self.status == ERROR:
            return f"raised {self.outcome.error}"
        if self.status in (TIMEOUT, PROBLEM):
            return self.outcome.error or self.outcome.problem or self.status
        return self.status


def judge_case(case: Case, outcome: Outcome, reference: Gradients) -> CaseResult:
    """Classify one outcome and, for wrong gradients, judge it layer by layer."""
    if outcome.timed_out:
        return CaseResult(case, outcome, TIMEOUT)
    if outcome.error is not None:
        return CaseResult(case, outcome, ERROR)
    if outcome.gradients is None:
        return CaseResult(case, outcome, PROBLEM)
    if matches(outcome.gradients, reference):
        return CaseResult(case, outcome, OK_STATUS)
    return CaseResult(
        case, outcome, WRONG_STATUS, local_verdicts(case, outcome.gradients, reference)
    )


@dataclass(frozen=True)
class Diagnosis:
    """The verdict on the whole battery (see :class:`~backproplab.checking.learner.CheckReport`)."""

    equation: str | None
    layer: int | None
    hint: str | None
    mistake: str | None
    showcase: CaseResult | None


class _Variants:
    """Every mistake's gradients on every case, computed once (None: no valid shapes)."""

    def __init__(self):
        self._cache: dict = {}

    def get(self, case: Case, mistake: Mistake | None, layer: int | None) -> Gradients | None:
        key = (id(case), None if mistake is None else mistake.name, layer)
        if key not in self._cache:
            try:
                with np.errstate(all="ignore"):
                    self._cache[key] = variant_backprop(case, mistake, layer)
            except Exception:  # no valid shapes (NumPy's ValueError), or a learner's helper failed
                self._cache[key] = None
        return self._cache[key]


def diagnose(results: list[CaseResult], helpers: list[Mistake] = ()) -> Diagnosis:
    """The diagnosis of a battery with at least one failing case (module docstring).

    ``helpers``: mistakes made with the learner's own helper functions (see
    :func:`~backproplab.checking.learner.mistakes.helper_mistakes`), tried first so that a
    wrong helper is named as such."""
    variants = _Variants()
    failing = [r for r in results if r.status != OK_STATUS]
    max_layers = max(r.case.n_layers for r in results)
    candidates = []
    for mistake in [*helpers, *MISTAKES.values()]:
        candidates.append((mistake, None))
        if mistake.per_layer:
            candidates += [(mistake, ell) for ell in range(1, max_layers + 1)]
    for mistake, layer in candidates:
        shown = _explains_all(results, variants, mistake, layer)
        if shown is not None:
            return _diagnosis_of(mistake, layer, shown, variants)
    # a mistake made for one activation only (a learner's tanh branch): it explains every
    # case of that activation, and the cases of the others are right
    for only in dict.fromkeys(r.case.activation for r in failing):
        if len({r.case.activation for r in results}) == 1:
            break
        for mistake, layer in candidates:
            shown = _explains_all(results, variants, mistake, layer, only)
            if shown is not None:
                return _diagnosis_of(mistake, layer, shown, variants)
    return _fallback(failing, variants)


def _diagnosis_of(mistake: Mistake, layer, shown: CaseResult, variants) -> Diagnosis:
    """Where the report places a recognised mistake: its own place (``"L"``, ``"1"``),
    or the first equation whose output departs from the reference."""
    case = shown.case
    hint = mistake.hint_for(case)
    if mistake.layer is not None:
        ell = case.n_layers if mistake.layer == "L" else int(mistake.layer)
        return Diagnosis(mistake.equation, ell, hint, mistake.name, shown)
    variant = variants.get(case, mistake, layer)
    ref = variants.get(case, None, None)
    found = None
    if variant is not None and ref is not None:
        found = first_wrong(local_verdicts(case, variant, ref))
    equation, ell = found or (mistake.equation, layer)
    return Diagnosis(equation, ell, hint, mistake.name, shown)


def _explains_all(results, variants, mistake, layer, only=None) -> CaseResult | None:
    """The first failing case the mistake reproduces numerically, if it explains every
    case (with ``only``: every case of that activation, the others being right); None
    otherwise."""
    shown = raised = None
    for r in results:
        if only is not None and r.case.activation != only:
            if r.status != OK_STATUS:
                return None
            continue
        variant = variants.get(r.case, mistake, layer)
        if r.status == ERROR:
            if variant is not None:
                return None
            if raised is None and any(w in (r.outcome.error or "").lower() for w in SHAPE_WORDS):
                raised = r  # both fail for want of valid shapes
        elif r.outcome.gradients is None or variant is None:
            return None
        elif not matches(r.outcome.gradients, variant):
            return None
        elif shown is None and r.status != OK_STATUS:
            shown = r
    return shown or raised


def _fallback(failing: list[CaseResult], variants: _Variants) -> Diagnosis:
    """No single mistake explains everything: judge the most telling failing case."""

    def first(status, need_deltas=False):
        return next(
            (r for r in failing if r.status == status and (not need_deltas or r.has_deltas)), None
        )

    shown = first(PROBLEM)
    if shown is not None:
        return Diagnosis(None, None, shown.outcome.problem, None, shown)
    shown = next(  # a wrong shape is named before anything else
        (r for r in failing if r.status == WRONG_STATUS and _has_shape_verdict(r)), None
    )
    shown = shown or first(WRONG_STATUS, need_deltas=True) or first(WRONG_STATUS)
    if shown is not None:
        equation, layer = shown.first_wrong or (None, None)
        return Diagnosis(equation, layer, _hint(shown, equation, layer, variants), None, shown)
    shown = first(ERROR) or first(TIMEOUT)
    text = (
        shown.outcome.error
        if shown.outcome.where is None
        else (f"{shown.outcome.error} ({shown.outcome.where})")
    )
    if shown.status == ERROR and any(w in text.lower() for w in SHAPE_WORDS):
        batch = _batch_dimension(failing, shown)
        if batch is not None:
            return Diagnosis("shape", shown.case.n_layers, batch, None, shown)
        return Diagnosis("shape", None, f"shape mismatch: {text}", None, shown)
    return Diagnosis(None, None, text, None, shown)


def _batch_dimension(failing: list[CaseResult], shown: CaseResult) -> str | None:
    """The hint for shape errors that only batches raise: every failing case has several
    samples and a shape error naming the batch size m — a column (m, 1) minus a 1-D
    array (m,) broadcasts to (m, m), the classic ``a − y.flatten()``."""
    m = shown.case.n_samples
    if m == 1 or any(r.case.n_samples == 1 or r.status != ERROR for r in failing):
        return None
    if not all(str(r.case.n_samples) in (r.outcome.error or "") for r in failing):
        return None
    return (
        f"shape mismatch: only batches fail, each with a shape error that names the batch "
        f"size {m}: an array grew an (m, m) = ({m}, {m}) block where it should have one "
        f"column or row per sample. A column (m, 1) minus a 1-D array (m,) broadcasts to "
        f"(m, m) — the classic a − y.flatten(): keep y 2-D (y.reshape(-1, 1)). "
        f"{shown.outcome.error}" + (f" ({shown.outcome.where})" if shown.outcome.where else "")
    )


SHAPE_WORDS = ("shape", "align", "broadcast", "mismatch", "dimension")


def _has_shape_verdict(r: CaseResult) -> bool:
    return any(SHAPE in (v.delta.split()[0], v.bp3, v.bp4) for v in r.verdicts or [])


def _hint(shown: CaseResult, equation, layer, variants: _Variants) -> str:
    """What can be said about a wrong case no single mistake explains everywhere."""
    got, case = shown.outcome.gradients, shown.case
    verdict = next((v for v in shown.verdicts if v.layer == layer), None)
    if verdict is not None and SHAPE in (verdict.delta.split()[0], verdict.bp3, verdict.bp4):
        return _shape_hint(case, got, equation, layer)  # a shape is named before anything else
    for mistake in MISTAKES.values():
        layers = [None] + (list(range(1, case.n_layers + 1)) if mistake.per_layer else [])
        for ell in layers:
            variant = variants.get(case, mistake, ell)
            if variant is not None and matches(got, variant):
                return (
                    f"{mistake.hint_for(case)} — in this case; other cases disagree, so there "
                    f"may be more than one mistake"
                )
    ref = variants.get(case, None, None)
    factor = _common_factor(got, ref)
    if factor is not None:
        return f"every gradient is {factor:.4g} × the right one"
    return {
        "BP1": "δ^L should be ∇_a C ⊙ σ′(z^L) (for the quadratic cost, (a^L − y) ⊙ σ′(z^L))",
        "BP2": "δ^ℓ is not ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ σ′(z^ℓ), even from your own δ^{ℓ+1}",
        "BP3": "∂C/∂b^ℓ should be the mean of δ^ℓ over the samples (δ^ℓ itself for one)",
        "BP4": "∂C/∂W^ℓ should be (1/m) Δ^ℓ (A^{ℓ−1})ᵀ (δ^ℓ (a^{ℓ−1})ᵀ for one sample)",
    }.get(equation, "the gradients differ from the reference")


def _common_factor(got: Gradients, ref: Gradients) -> float | None:
    """k if every gradient is k × the reference (k ≠ 1), else None."""
    pairs = list(zip(got.grads_w + got.grads_b, ref.grads_w + ref.grads_b, strict=True))
    if any(g.shape != r.shape for g, r in pairs):
        return None
    g = np.concatenate([g.ravel() for g, _ in pairs])
    r = np.concatenate([r.ravel() for _, r in pairs])
    denominator = float(r @ r)
    if denominator == 0:
        return None
    k = float(g @ r) / denominator
    from .compare import close

    return k if close(g, k * r) and not np.isclose(k, 1) else None


def _shape_hint(case: Case, got: Gradients, equation, layer) -> str:
    """Name the shape mistake in ∂C/∂b^ℓ or ∂C/∂W^ℓ."""
    i, m = layer - 1, case.n_samples
    n, n_in = case.sizes[layer], case.sizes[layer - 1]
    if equation == "BP3":
        shape, want = got.grads_b[i].shape, (n, 1)
        name = "∂C/∂b"
    elif equation == "BP4":
        shape, want = got.grads_w[i].shape, (n, n_in)
        name = "∂C/∂W"
    else:
        shape, want = got.deltas[i].shape, (n, m)
        name = "δ"
    text = f"shape mismatch: {name}^{layer} has shape {shape}; it should be {want}"
    if len(shape) == 2 and shape[0] == shape[1] and shape != want and want[1] == 1:
        text += (
            f" (a column ({shape[0]}, 1) minus a 1-D array ({shape[0]},) broadcasts to "
            f"{shape}: keep y and every vector a column, never .flatten() one)"
        )
    elif shape == want[::-1]:
        text += " (it is transposed)"
    elif shape == (want[0],) and equation == "BP3":
        text += " (a 1-D array: keep columns, e.g. keepdims=True, or b − η·g broadcasts)"
    elif shape == (want[0],):
        text += " (a 1-D array: keep one column per sample)"
    elif m > 1 and shape == (want[0], m):
        text += " (one column per sample: sum or average over the batch)"
    return text
