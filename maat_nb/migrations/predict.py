"""Forecast how long a migration step takes on production-sized tables from timings at a few sizes.

Three growth models are fitted to (rows, seconds) measurements — repeats at the same size welcome:

* ``constant``: t = a (metadata-only steps: ADD COLUMN without a default, lock acquisition);
* ``linear``: t = a + b·n (table rewrites, copies, backfills);
* ``nlogn``: t = a + b·n·log2 n (index builds: a sort).

**Fitting.** Timings span orders of magnitude and their noise is multiplicative, so every model is fitted in log
space: the coefficients minimise Σ (log(t + τ) − log(f(n) + τ))² (Gauss–Newton from a weighted least-squares
start), with τ = :data:`NOISE_FLOOR` (0.1 ms) so that zero and sub-millisecond timings neither break the logarithm
nor dominate the fit. Coefficients are non-negative: when the best fit has a negative coefficient the model is
refitted with it fixed at zero (a negative slope becomes a constant).

**Choosing.** With at least 5 measurements and 3 distinct sizes the criterion is AICc on those log residuals,
k = non-zero coefficients + 1 (the noise level); every model within :data:`AICC_MARGIN` (2) of the best counts as
equally good and the simplest of them wins (constant, then linear, then n·log n). With fewer measurements AICc is
undefined for two-parameter models, so a growth model must beat the constant in an F test at 5 % (F(1, m−p) =
t²) and n·log n must beat linear by the same AIC margin. With fewer than 3 distinct sizes n·log n is not tried and
the fit is flagged low-confidence: one size gives t ∝ n through the origin (conservative: it never assumes the
step stops growing), two sizes give a line through the points unless the larger size is not clearly slower. When
even the slowest size takes under :data:`FAST_SECONDS` (1 ms) the measurements are timer noise: the model is
constant, "too fast to measure growth".

**Range.** In log space, around the point prediction: ``z·s·sqrt(1 + h(n)) + κ·log10(extrapolation)`` where s is
the residual spread (relative, at least 2 %), z the 97.5 % Student quantile for the residual degrees of freedom,
h(n) the leverage of n under the fitted coefficients' covariance (grows as n leaves the measured sizes), and κ =
:data:`MODEL_RISK` a per-decade allowance for growth that changes beyond the data (the table stops fitting in
memory). The range is then stretched to reach the point prediction of every model that was not significantly
worse than the chosen one, so an undecided choice widens the range instead of hiding. A warning is attached beyond
:data:`WARN_EXTRAPOLATION` (100x) the largest measured size and for low-confidence fits.

Deliberately not done: regime detection (a slope change when a table outgrows the buffer pool needs sizes on
both sides of it), per-statement models, and any database access — this module is pure arithmetic.

>>> f = fit([1_000, 10_000, 100_000] * 2, [0.012, 0.102, 1.0, 0.011, 0.098, 1.02])
>>> f.model, f.low_confidence
('linear', False)
>>> p = f.predict(1_000_000)
>>> round(p.seconds, 1), p.low < p.seconds < p.high, p.extrapolation, p.warning is None
(10.0, True, 10.0, True)
>>> f.predict(100_000_000).warning.startswith("extrapolating 1000x beyond the largest measured size")
True
>>> step = StepTiming("cd34", "up", ("orders",), ((1_000, 0.012), (10_000, 0.102), (100_000, 1.0)))
>>> forecast([step], {"orders": 2_000_000, "customers": 50_000})[0].summary
'~20 s (12 s–33 s), linear in rows'
>>> fast = StepTiming("ab12", "up", (), ((1_000, 0.0004), (10_000, 0.0005), (100_000, 0.0004)))
>>> forecast([fast], 10**8)[0].summary
'~0.43 ms (0.1 ms–1.3 ms), constant (too fast to measure growth); 1000x beyond the measured sizes'
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

FAST_SECONDS = 1e-3
"""Below this at every size, timings are noise: the step is called constant ("too fast to measure growth")."""
NOISE_FLOOR = 1e-4
"""τ: seconds added before taking logarithms (timer and scheduling jitter); makes zero timings harmless."""
WARN_EXTRAPOLATION = 100.0
"""Warn when predicting beyond this multiple of the largest measured size (issue 4)."""
MODEL_RISK = 0.15
"""Extra half-width of the range, in log units, per decade of extrapolation beyond the largest measured size."""
AICC_MARGIN = 2.0
"""Models within this AICc (or AIC, for the few-points test) of the best are not significantly worse."""
MIN_SPREAD = 0.02
"""Smallest relative residual spread assumed (identical timings still get a range)."""
NO_DOF_SPREAD = 0.25
"""Relative spread assumed when the fit passes exactly through the points (no residual degrees of freedom)."""
GROWTH_RATIO = 1.25
STEADY_RATIO = 3.0  # growth with three single measurements that no F-test can miss
"""Two sizes, one timing each: a line is fitted only if the larger size is at least this much slower."""
MAX_LOG_WIDTH = 20.0
MODELS = ("constant", "linear", "nlogn")

_SHAPE = {"constant": "constant", "linear": "linear in rows", "nlogn": "n·log n in rows"}
_RSS_FLOOR = 1e-6  # per point: 0.1 % relative, the timer's resolution; keeps log(RSS) finite for exact data
_T975 = (
    (1, 12.706),
    (2, 4.303),
    (3, 3.182),
    (4, 2.776),
    (5, 2.571),
    (6, 2.447),
    (7, 2.365),
    (8, 2.306),
    (9, 2.262),
    (10, 2.228),
    (12, 2.179),
    (15, 2.131),
    (20, 2.086),
    (30, 2.042),
    (60, 2.000),
    (120, 1.980),
)


def t975(dof: int) -> float:
    """Two-sided 95 % Student t quantile (interpolated in 1/dof between tabulated values; 1.96 at infinity).

    >>> t975(1), t975(10), round(t975(11), 3), round(t975(10**6), 2)
    (12.706, 2.228, 2.201, 1.96)
    """
    if dof < 1:
        return _T975[0][1]
    prev_d, prev_t = _T975[0]
    for d, t in _T975:
        if dof == d:
            return t
        if dof < d:
            w = (1 / prev_d - 1 / dof) / (1 / prev_d - 1 / d)
            return prev_t + w * (t - prev_t)
        prev_d, prev_t = d, t
    w = (1 / prev_d - 1 / dof) / (1 / prev_d)
    return prev_t + w * (1.959964 - prev_t)


def _feature(model: str, n: np.ndarray) -> np.ndarray:
    """The growth column of a model (zeros for the constant)."""
    if model == "linear":
        return n.astype(float)
    if model == "nlogn":
        return n * np.log2(np.maximum(n, 1.0))
    return np.zeros_like(n, dtype=float)


def _safe_exp(x: float) -> float:
    return math.exp(min(x, 700.0))


@dataclass(frozen=True)
class ModelFit:
    """One model fitted to the measurements: t = a + b·g(n), g = 0, n or n·log2 n; a, b >= 0."""

    model: str
    a: float
    b: float
    rss: float
    """Sum of squared log residuals, log(t + τ) − log(f(n) + τ)."""
    points: int
    params: int
    """Non-zero coefficients (a coefficient clipped to zero is not counted)."""
    aicc: float
    """AICc on the log residuals; inf when there are too few points for it."""
    scale: float = field(default=1.0, repr=False)
    cov: tuple[float, float, float, float] = field(default=(0.0, 0.0, 0.0, 0.0), repr=False)
    """(JᵀJ)⁻¹ of the log-space fit over (a, b/scale), row-major; zeros for clipped coefficients."""

    @property
    def dof(self) -> int:
        """Residual degrees of freedom."""
        return max(self.points - self.params, 0)

    @property
    def spread(self) -> float:
        """Residual standard deviation in log units (≈ relative error); 0 without residual degrees of freedom."""
        return math.sqrt(self.rss / self.dof) if self.dof > 0 else 0.0

    def value(self, n: float) -> float:
        """The fitted time at n rows (the median, since the fit is in log space)."""
        g = float(_feature(self.model, np.array([max(float(n), 0.0)]))[0])
        return self.a + self.b * g

    def interval(self, n: float, extra: float = 0.0) -> tuple[float, float]:
        """(low, high) at n: ± z·s·sqrt(1 + leverage) + extra, in log(t + τ) space."""
        f = self.value(n)
        d = f + NOISE_FLOOR
        g = float(_feature(self.model, np.array([max(float(n), 0.0)]))[0]) / self.scale
        ga, gb = 1.0 / d, g / d
        c = self.cov
        lev = max(ga * ga * c[0] + ga * gb * (c[1] + c[2]) + gb * gb * c[3], 0.0)
        if self.dof > 0:
            s, z = max(self.spread, MIN_SPREAD), t975(self.dof)
        else:
            s, z = NO_DOF_SPREAD, 2.0
        w = min(z * s * math.sqrt(1.0 + lev) + extra, MAX_LOG_WIDTH)
        if not math.isfinite(w):
            w = MAX_LOG_WIDTH
        centre = math.log(d)
        low = max(_safe_exp(centre - w) - NOISE_FLOOR, 0.0)
        high = _safe_exp(centre + w) - NOISE_FLOOR
        return min(low, f), max(high, f)


@dataclass(frozen=True)
class Prediction:
    """Predicted time of a step at ``rows`` rows: a point (the median) and a range."""

    rows: int
    seconds: float
    low: float
    high: float
    extrapolation: float
    """rows / the largest measured size (> 1: beyond the data)."""
    warning: str | None
    model: str


@dataclass(frozen=True)
class Fit:
    """The chosen growth model for one step and everything needed to predict with it."""

    model: str
    """constant | linear | nlogn."""
    coefficients: tuple[float, float]
    """(a, b): t = a + b·g(n); b = 0 for the constant."""
    r2: float
    """1 − RSS/TSS in log space (0 for a constant)."""
    spread: float
    """Residual standard deviation of log time (≈ relative error, 0.05 = 5 %)."""
    points: int
    sizes: tuple[int, ...]
    """Distinct measured sizes, ascending."""
    low_confidence: bool
    note: str
    """Why the fit is what it is when not the ordinary case (too fast, too few sizes); else ''."""
    criterion: str
    """How the model was chosen: AICc, F-test, one size, two sizes, too fast, no data."""
    candidates: tuple[ModelFit, ...] = field(repr=False)
    plausible: tuple[str, ...] = field(repr=False)
    """Models not significantly worse than the chosen one: the range covers them all."""

    @property
    def chosen(self) -> ModelFit:
        """The chosen model's fit."""
        return next(c for c in self.candidates if c.model == self.model)

    @property
    def shape(self) -> str:
        """The growth in words: 'linear in rows', 'constant (too fast to measure growth)', ..."""
        if self.criterion == "too fast":
            return "constant (too fast to measure growth)"
        if self.criterion == "one size" and self.model == "linear":
            return "assumed linear in rows"
        return _SHAPE[self.model]

    def predict(self, n: float) -> Prediction:
        """Point, range, extrapolation factor and warning at n rows."""
        n = max(float(n), 0.0) if math.isfinite(float(n)) else 0.0
        largest = max(self.sizes, default=0)
        ext = n / max(largest, 1)
        extra = MODEL_RISK * math.log10(ext) if ext > 1 else 0.0
        chosen = self.chosen
        point = chosen.value(n)
        low, high = chosen.interval(n, extra)
        for c in self.candidates:
            if c.model in self.plausible and c is not chosen:
                alt = c.value(n)
                low, high = min(low, alt), max(high, alt)
        warnings = []
        if ext > WARN_EXTRAPOLATION:
            warnings.append(
                f"extrapolating {ext:.0f}x beyond the largest measured size ({largest:,} rows): growth may "
                "change (memory, caches); measure at a larger size"
            )
        if self.low_confidence:
            warnings.append(f"low confidence: {self.note}")
        return Prediction(
            rows=round(n),
            seconds=point,
            low=low,
            high=high,
            extrapolation=ext,
            warning="; ".join(warnings) or None,
            model=self.model,
        )


def _log_fit(g: np.ndarray, t: np.ndarray, cols: tuple[int, ...]) -> np.ndarray | None:
    """Unconstrained log-space least squares of t ≈ X·β over the given columns of X = [1, g] (g scaled)."""
    full = np.column_stack([np.ones_like(g), g])
    x = full[:, list(cols)]
    y = np.log(t + NOISE_FLOOR)
    w = 1.0 / (t + NOISE_FLOOR)
    beta = np.linalg.lstsq(x * w[:, None], t * w, rcond=None)[0]
    if np.any(x @ beta + NOISE_FLOOR <= 0):
        beta = np.maximum(beta, 0.0)
    d = x @ beta + NOISE_FLOOR
    rss = float(np.sum((y - np.log(d)) ** 2))
    for _ in range(100):
        r = y - np.log(d)
        step = np.linalg.lstsq(x / d[:, None], r, rcond=None)[0]
        lam, accepted = 1.0, False
        while lam > 1e-8:
            nb = beta + lam * step
            nd = x @ nb + NOISE_FLOOR
            if np.all(nd > 0):
                nrss = float(np.sum((y - np.log(nd)) ** 2))
                if nrss <= rss:
                    accepted = True
                    break
            lam /= 2
        if not accepted:
            break
        gain = rss - nrss
        beta, d, rss = nb, nd, nrss
        if gain <= 1e-12 * max(rss, 1e-300):
            break
    return beta if np.all(np.isfinite(beta)) else None


def _aicc(rss: float, m: int, params: int) -> float:
    k = params + 1
    if m - k - 1 <= 0:
        return math.inf
    return m * math.log(max(rss, m * _RSS_FLOOR) / m) + 2 * k + 2 * k * (k + 1) / (m - k - 1)


def _fit_model(model: str, n: np.ndarray, t: np.ndarray, subsets: Sequence[tuple[int, ...]]) -> ModelFit:
    """Non-negative log-space fit: the best feasible fit over the allowed subsets of (a, b)."""
    raw = _feature(model, n)
    scale = float(np.max(raw)) if raw.size and np.max(raw) > 0 else 1.0
    g = raw / scale
    y = np.log(t + NOISE_FLOOR)
    best: tuple[float, int, np.ndarray] | None = None
    for cols in subsets:
        beta = _log_fit(g, t, cols)
        if beta is None:
            continue
        if np.any(beta < 0):
            # A tiny negative from rounding is a zero; anything else is infeasible (a subset covers it).
            if np.all(beta > -1e-12 * max(float(np.max(np.abs(beta))), 1e-300)):
                beta = np.maximum(beta, 0.0)
            else:
                continue
        coef = np.zeros(2)
        coef[list(cols)] = beta
        f = coef[0] + coef[1] * g
        rss = float(np.sum((y - np.log(f + NOISE_FLOOR)) ** 2))
        params = int(np.count_nonzero(coef > 0))
        key = (round(rss, 12), params)
        if best is None or key < (round(best[0], 12), best[1]):
            best = (rss, params, coef)
    if best is None:  # no feasible fit at all: t = 0
        coef = np.zeros(2)
        best = (float(np.sum((y - math.log(NOISE_FLOOR)) ** 2)), 0, coef)
    rss, params, coef = best
    active = [i for i in (0, 1) if coef[i] > 0]
    cov = np.zeros((2, 2))
    if active:
        d = coef[0] + coef[1] * g + NOISE_FLOOR
        jac = np.column_stack([np.ones_like(g), g])[:, active] / d[:, None]
        cov[np.ix_(active, active)] = np.linalg.pinv(jac.T @ jac)
    m = int(t.size)
    return ModelFit(
        model=model,
        a=float(coef[0]),
        b=float(coef[1]) / scale if model != "constant" else 0.0,
        rss=rss,
        points=m,
        params=params,
        aicc=_aicc(rss, m, params),
        scale=scale,
        cov=(float(cov[0, 0]), float(cov[0, 1]), float(cov[1, 0]), float(cov[1, 1])),
    )


def _select(cands: dict[str, ModelFit], m: int) -> tuple[str, tuple[str, ...], str]:
    """The chosen model, the plausible ones (simplest first) and the criterion's name; >= 3 distinct sizes."""
    order = [c for c in MODELS if c in cands]
    if all(math.isfinite(cands[c].aicc) for c in order):
        best = min(cands[c].aicc for c in order)
        plausible = [c for c in order if cands[c].aicc <= best + AICC_MARGIN]
        return plausible[0], tuple(plausible), "AICc"
    const = cands["constant"]
    floor = m * _RSS_FLOOR
    growth = [c for c in order if c != "constant" and cands[c].b > 0]
    significant = []
    for c in growth:
        g = cands[c]
        if g.dof >= 1:
            f_stat = (max(const.rss, floor) - max(g.rss, floor)) / (max(g.rss, floor) / g.dof)
            if f_stat > t975(g.dof) ** 2:
                significant.append(c)
    if not significant:
        return "constant", ("constant", *growth), "F-test"
    best_rss = min(max(cands[c].rss, floor) for c in significant)
    plausible = [c for c in significant if m * math.log(max(cands[c].rss, floor) / best_rss) <= AICC_MARGIN]
    return plausible[0], tuple(plausible), "F-test"


def fit(rows: Sequence[int], seconds: Sequence[float]) -> Fit:
    """Fit time against rows (constant, linear, n·log n) and choose one; see the module docstring for how.

    ``rows[i]`` rows took ``seconds[i]``; sizes may repeat (every repeat is used). Negative, NaN or infinite
    measurements are dropped; nothing here raises on odd data (mismatched lengths are a ValueError).
    """
    if len(rows) != len(seconds):
        raise ValueError(f"rows and seconds differ in length ({len(rows)} != {len(seconds)})")
    pairs = [
        (float(r), float(s))
        for r, s in zip(rows, seconds, strict=True)
        if math.isfinite(float(r)) and math.isfinite(float(s)) and r >= 0 and s >= 0
    ]
    n = np.array([p[0] for p in pairs], dtype=float)
    t = np.array([p[1] for p in pairs], dtype=float)
    m = len(pairs)
    sizes = tuple(sorted({round(p[0]) for p in pairs}))
    const = _fit_model("constant", n, t, [(0,)])
    if m == 0:
        return _make(
            const, {"constant": const}, ("constant",), n, t, sizes, True, "no measurements", "no data"
        )
    medians = [float(np.median(t[n == s])) for s in np.unique(n)]
    if max(medians) < FAST_SECONDS:
        low = len(sizes) < 3
        note = "too fast to measure growth" + (
            f"; only {len(sizes)} distinct size(s) measured" if low else ""
        )
        return _make(const, {"constant": const}, ("constant",), n, t, sizes, low, note, "too fast")
    if len(sizes) == 1:
        if sizes[0] == 0:
            return _make(
                const, {"constant": const}, ("constant",), n, t, sizes, True, "one size of 0 rows", "one size"
            )
        prop = _fit_model("linear", n, t, [(1,)])
        cands = {"constant": const, "linear": prop}
        note = "only one size measured: assumed proportional to rows (the range reaches down to constant)"
        return _make(prop, cands, ("constant", "linear"), n, t, sizes, True, note, "one size")
    lin = _fit_model("linear", n, t, [(0, 1), (1,), (0,)])
    if len(sizes) == 2:
        cands = {"constant": const, "linear": lin}
        note = "only two sizes measured: n·log n not tried"
        if lin.b <= 0:
            return _make(const, cands, ("constant",), n, t, sizes, True, note, "two sizes")
        if lin.dof >= 1:
            chosen, plausible, _ = _select(cands, m)
        else:
            grows = medians[-1] >= GROWTH_RATIO * medians[0]
            chosen, plausible = ("linear" if grows else "constant"), ("constant", "linear")
        return _make(cands[chosen], cands, plausible, n, t, sizes, True, note, "two sizes")
    nlogn = _fit_model("nlogn", n, t, [(0, 1), (1,), (0,)])
    cands = {"constant": const, "linear": lin, "nlogn": nlogn}
    chosen, plausible, criterion = _select(cands, m)
    if chosen == "constant" and criterion == "F-test" and _grows_steadily(sizes, medians):
        # three single measurements leave the F-test one degree of freedom: it cannot see growth that is
        # plain to the eye (each larger size slower, the largest STEADY_RATIO x the smallest over >= 10x rows)
        growth = [c for c in ("linear", "nlogn") if cands[c].b > 0]
        if growth:
            chosen = min(growth, key=lambda c: cands[c].rss)
            plausible = (chosen, "constant")
            criterion = "steady growth"
    return _make(cands[chosen], cands, plausible, n, t, sizes, False, "", criterion)


def _grows_steadily(sizes: Sequence[float], medians: Sequence[float]) -> bool:
    """Each larger size took longer, and the largest at least STEADY_RATIO x the smallest, over >= 10x rows."""
    if len(medians) < 3 or sizes[0] <= 0 or sizes[-1] < 10 * sizes[0]:
        return False
    rising = all(b > a for a, b in itertools.pairwise(medians))
    return rising and medians[-1] >= STEADY_RATIO * medians[0]


def _make(
    chosen: ModelFit,
    cands: Mapping[str, ModelFit],
    plausible: Iterable[str],
    n: np.ndarray,
    t: np.ndarray,
    sizes: tuple[int, ...],
    low_confidence: bool,
    note: str,
    criterion: str,
) -> Fit:
    y = np.log(t + NOISE_FLOOR)
    tss = float(np.sum((y - y.mean()) ** 2)) if y.size else 0.0
    if tss <= 1e-24:
        r2 = 1.0 if chosen.rss <= 1e-24 and y.size else 0.0
    else:
        r2 = min(max(1.0 - chosen.rss / tss, 0.0), 1.0)
    return Fit(
        model=chosen.model,
        coefficients=(chosen.a, chosen.b),
        r2=r2,
        spread=chosen.spread,
        points=int(t.size),
        sizes=sizes,
        low_confidence=low_confidence,
        note=note,
        criterion=criterion,
        candidates=tuple(cands.values()),
        plausible=tuple(p for p in MODELS if p in set(plausible)),
    )


# ---- per-step forecasts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepTiming:
    """The measurements of one migration step: (rows per table, seconds) pairs, repeats allowed."""

    revision: str
    direction: str
    """up | down."""
    tables: tuple[str, ...] = ()
    """Tables the step touches; empty when unknown."""
    measurements: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class Forecast:
    """A step, its fit, and the prediction at its production size."""

    revision: str
    direction: str
    tables: tuple[str, ...]
    rows: int
    """The production size predicted for (rows per table, as the measurements)."""
    basis: str
    """Where ``rows`` came from: 'given', 'table orders', 'largest table orders', ..."""
    fit: Fit
    prediction: Prediction
    summary: str
    """'~42 s (30–60 s), linear in rows' plus the extrapolation and confidence flags."""


def format_seconds(s: float) -> str:
    """A duration with two significant figures and a unit that suits it.

    >>> [format_seconds(x) for x in (0, 0.00042, 0.0123, 0.5, 4.24, 42.4, 150, 5400, 200_000)]
    ['0 s', '0.42 ms', '12 ms', '500 ms', '4.2 s', '42 s', '2.5 min', '1.5 h', '2.3 d']
    """
    if not math.isfinite(s):
        return "∞"
    if s <= 0:
        return "0 s"
    if s < 1e-5:
        return "<0.01 ms"
    for limit, div, unit in ((1, 1e-3, "ms"), (100, 1, "s"), (5400, 60, "min"), (172_800, 3600, "h")):
        if s < limit:
            return f"{_two_figures(s / div)} {unit}"
    return f"{_two_figures(s / 86_400)} d"


def _two_figures(v: float) -> str:
    if v >= 10:
        digits = len(str(int(v))) - 2
        return str(int(round(v, -digits)))
    return f"{v:.2g}"


def _table_rows(name: str, production: Mapping[str, int]) -> int | None:
    if name in production:
        return production[name]
    want = name.rsplit(".", 1)[-1].lower()
    for key, value in production.items():
        if key.rsplit(".", 1)[-1].lower() == want:
            return value
    return None


def production_size(
    tables: Sequence[str], production_rows: Mapping[str, int] | int, fitted: Fit
) -> tuple[int, str]:
    """The production size on the measurements' axis (rows per table) and where it came from.

    One number applies to every table. Per-table counts: the largest of the step's tables; when the step's
    tables are unknown (or not in the counts), the largest table of all — conservative, because the
    measurements are per table (every table is seeded to the scale), so a sum over tables would overcount.
    """
    if not isinstance(production_rows, Mapping):
        return max(int(production_rows), 0), "given"
    known = [(r, t) for t in tables if (r := _table_rows(t, production_rows)) is not None]
    if known:
        rows, table = max(known)
        return max(rows, 0), f"table {table}"
    if production_rows:
        table, rows = max(production_rows.items(), key=lambda kv: kv[1])
        return max(rows, 0), f"largest table {table}"
    return max(fitted.sizes, default=0), "no production counts: the largest measured size"


def summarize(fitted: Fit, p: Prediction) -> str:
    """'~42 s (30–60 s), linear in rows' with '; 1000x beyond the measured sizes' and '; low confidence'."""
    text = f"~{format_seconds(p.seconds)} ({format_seconds(p.low)}–{format_seconds(p.high)}), {fitted.shape}"
    if p.extrapolation > WARN_EXTRAPOLATION:
        text += f"; {p.extrapolation:.0f}x beyond the measured sizes"
    if fitted.low_confidence:
        text += "; low confidence"
    return text


def forecast(steps: Iterable[StepTiming], production_rows: Mapping[str, int] | int) -> list[Forecast]:
    """Fit each step's timings and predict it at production size (see :func:`production_size`)."""
    out = []
    for step in steps:
        fitted = fit([r for r, _ in step.measurements], [s for _, s in step.measurements])
        rows, basis = production_size(step.tables, production_rows, fitted)
        p = fitted.predict(rows)
        out.append(
            Forecast(
                revision=step.revision,
                direction=step.direction,
                tables=tuple(step.tables),
                rows=rows,
                basis=basis,
                fit=fitted,
                prediction=p,
                summary=summarize(fitted, p),
            )
        )
    return out
