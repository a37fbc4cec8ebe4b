"""maat_nb.migrations.predict: model choice, prediction ranges and forecasts on synthetic timings.

Data come from known models with multiplicative (log-normal) noise and fixed seeds, so "the right answer" is
known: the generating model, and the true time at the predicted size (a fresh noisy draw, as a production run
would be).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maat_nb.migrations.predict import (
    FAST_SECONDS,
    Fit,
    StepTiming,
    fit,
    forecast,
    format_seconds,
    production_size,
    t975,
)

# Small fixed overheads, so that growth dominates from ~10k rows up (as in a real rewrite or index build).
TRUE: dict[str, Callable[[float], float]] = {
    "constant": lambda n: 0.05,
    "linear": lambda n: 0.002 + 2e-6 * n,
    "nlogn": lambda n: 0.001 + 1e-7 * n * math.log2(n),
}
FIVE_SIZES = (1_000, 3_000, 10_000, 30_000, 100_000)
THREE_SIZES = (1_000, 10_000, 100_000)
SEEDS = range(50)


def synth(
    kind: str, sizes: tuple[int, ...], repeats: int, noise: float, seed: int
) -> tuple[list[int], list[float]]:
    rng = np.random.default_rng(seed)
    rows = [s for s in sizes for _ in range(repeats)]
    return rows, [TRUE[kind](n) * math.exp(rng.normal(0.0, noise)) for n in rows]


def production_draw(kind: str, n: int, noise: float, seed: int) -> float:
    rng = np.random.default_rng(10_000 + seed)
    return TRUE[kind](n) * math.exp(rng.normal(0.0, noise))


# ---- model choice ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["constant", "linear", "nlogn"])
def test_noise_free_data_gives_the_generating_model(kind: str) -> None:
    rows = list(FIVE_SIZES)
    f = fit(rows, [TRUE[kind](n) for n in rows])
    assert f.model == kind
    assert not f.low_confidence
    for n in (1_000_000, 10_000_000):
        assert f.predict(n).seconds == pytest.approx(TRUE[kind](n), rel=1e-3)


def test_exact_linear_coefficients_are_recovered() -> None:
    # t = 0.002 + 1e-5·n: 12 ms at 1k, 102 ms at 10k, 1.002 s at 100k (by hand).
    f = fit([1_000, 10_000, 100_000], [0.012, 0.102, 1.002])
    a, b = f.coefficients
    assert f.model == "linear"
    assert a == pytest.approx(0.002, rel=1e-3)
    assert b == pytest.approx(1e-5, rel=1e-4)
    assert f.r2 == pytest.approx(1.0, abs=1e-6)
    assert f.predict(1_000_000).seconds == pytest.approx(10.002, rel=1e-3)


@pytest.mark.parametrize("kind", ["constant", "linear", "nlogn"])
def test_right_model_is_chosen_in_most_trials(kind: str) -> None:
    # Five geometric sizes, three repeats, 5 % noise.
    chosen = [fit(*synth(kind, FIVE_SIZES, 3, 0.05, seed)).model for seed in SEEDS]
    assert chosen.count(kind) / len(chosen) >= 0.9, chosen


@pytest.mark.parametrize("kind", ["constant", "linear", "nlogn"])
def test_right_model_with_the_runners_default_design(kind: str) -> None:
    # 1k/10k/100k with 2 runs each (the runner's default for "up"): one degree of freedom is left for shape
    # once the intercept is fitted, so linear and n·log n are harder to tell apart; still mostly right.
    chosen = [fit(*synth(kind, THREE_SIZES, 2, 0.05, seed)).model for seed in SEEDS]
    assert chosen.count(kind) / len(chosen) >= 0.8, chosen


def test_flat_noisy_data_is_constant_and_prediction_does_not_grow() -> None:
    for seed in range(10):
        f = fit(*synth("constant", FIVE_SIZES, 3, 0.2, seed))
        if f.model == "constant":
            assert f.coefficients[1] == 0.0
            assert f.predict(10**6).seconds == pytest.approx(f.predict(10**9).seconds)
    models = [fit(*synth("constant", FIVE_SIZES, 3, 0.2, seed)).model for seed in SEEDS]
    assert models.count("constant") / len(models) >= 0.9


# ---- ranges --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("design", [(FIVE_SIZES, 3), (THREE_SIZES, 2)])
@pytest.mark.parametrize("kind", ["constant", "linear", "nlogn"])
@pytest.mark.parametrize("factor", [10, 100])
def test_range_covers_the_true_time_beyond_the_data(
    kind: str, factor: int, design: tuple[tuple[int, ...], int]
) -> None:
    sizes, repeats = design
    n = max(sizes) * factor
    hits = 0
    for seed in SEEDS:
        p = fit(*synth(kind, sizes, repeats, 0.05, seed)).predict(n)
        truth = production_draw(kind, n, 0.05, seed)
        hits += p.low <= truth <= p.high
    assert hits / len(SEEDS) >= 0.9


@pytest.mark.parametrize("kind", ["linear", "nlogn"])
@pytest.mark.parametrize("design", [(FIVE_SIZES, 3), (THREE_SIZES, 2), (THREE_SIZES, 3)])
def test_issue_accuracy_rule_fit_1k_to_100k_predict_1m_within_30_percent(
    kind: str, design: tuple[tuple[int, ...], int]
) -> None:
    sizes, repeats = design
    errors = []
    for seed in SEEDS:
        p = fit(*synth(kind, sizes, repeats, 0.05, seed)).predict(1_000_000)
        errors.append(abs(p.seconds - TRUE[kind](1_000_000)) / TRUE[kind](1_000_000))
    # The rule holds in nearly every trial; the rare miss is a noise draw that makes the other growth model
    # significantly better (a ~2-sigma high top size), which over-predicts by ~30 %.
    assert sum(e <= 0.3 for e in errors) / len(errors) >= 0.95, sorted(errors)[-5:]
    assert float(np.median(errors)) <= 0.05


@pytest.mark.parametrize("kind", ["constant", "linear", "nlogn"])
def test_ranges_widen_with_extrapolation(kind: str) -> None:
    for seed in range(10):
        f = fit(*synth(kind, FIVE_SIZES, 3, 0.05, seed))
        preds = [f.predict(100_000 * k) for k in (1, 2, 10, 100, 1000, 10_000)]
        ratios = [p.high / p.low for p in preds]
        assert all(b > a for a, b in itertools.pairwise(ratios)), ratios
        widths = [p.high - p.low for p in preds]
        assert all(b > a for a, b in itertools.pairwise(widths)), widths


def test_more_repeats_give_a_narrower_range() -> None:
    rows, secs = synth("linear", FIVE_SIZES, 1, 0.05, 7)
    once = fit(rows, secs).predict(1_000_000)
    thrice = fit(rows * 3, secs * 3).predict(1_000_000)
    assert thrice.high / thrice.low < once.high / once.low
    assert fit(rows * 3, secs * 3).points == 3 * len(rows)


def test_warning_beyond_100x_only() -> None:
    f = fit(*synth("linear", THREE_SIZES, 2, 0.05, 1))
    assert not f.low_confidence
    assert f.predict(100 * 100_000).warning is None
    assert f.predict(100 * 100_000).extrapolation == 100.0
    w = f.predict(101 * 100_000).warning
    assert w is not None and "101x" in w
    assert "1000x" in (f.predict(10**8).warning or "")
    assert f.predict(50_000).extrapolation == 0.5


# ---- constraints and degenerate inputs ------------------------------------------------------------------------


def assert_sane(f: Fit, ns: tuple[float, ...] = (0, 1, 1_000, 10**6, 10**9)) -> None:
    assert all(c >= 0 and math.isfinite(c) for c in f.coefficients)
    for c in f.candidates:
        assert c.a >= 0 and c.b >= 0
    assert math.isfinite(f.r2) and math.isfinite(f.spread)
    for n in ns:
        p = f.predict(n)
        assert all(math.isfinite(x) for x in (p.seconds, p.low, p.high, p.extrapolation))
        assert 0 <= p.low <= p.seconds <= p.high


def test_times_that_fall_with_rows_give_a_constant_not_a_negative_slope() -> None:
    f = fit([1_000, 10_000, 100_000] * 2, [0.9, 0.5, 0.1, 0.8, 0.55, 0.12])
    assert f.model == "constant"
    assert_sane(f)
    assert f.predict(10**7).seconds == pytest.approx(f.predict(1_000).seconds)


def test_one_size_is_low_confidence_proportional_with_the_constant_in_range() -> None:
    f = fit([10_000] * 3, [0.10, 0.11, 0.09])
    assert f.low_confidence and f.model == "linear"
    assert f.coefficients[0] == 0.0
    p = f.predict(100_000)
    assert p.seconds == pytest.approx(1.0, rel=0.05)  # ~0.1 s at 10k, proportional: ~1 s at 100k
    assert p.low <= 0.1  # ... but it may not grow at all
    assert p.warning is not None and "low confidence" in p.warning
    assert_sane(f)
    single = fit([5_000], [0.2])
    assert single.low_confidence and single.predict(50_000).seconds == pytest.approx(2.0, rel=1e-3)
    assert_sane(single)


def test_two_sizes_are_low_confidence_and_never_nlogn() -> None:
    grows = fit([1_000, 100_000] * 2, [0.01, 1.0, 0.011, 0.98])
    assert grows.model == "linear" and grows.low_confidence
    flat = fit([1_000, 100_000] * 2, [0.05, 0.05, 0.051, 0.049])
    assert flat.model == "constant" and flat.low_confidence
    one_each = fit([1_000, 100_000], [0.05, 0.052])
    assert one_each.model == "constant"
    assert fit([1_000, 100_000], [0.05, 0.5]).model == "linear"
    for f in (grows, flat, one_each):
        assert_sane(f)


@pytest.mark.parametrize(
    ("rows", "seconds"),
    [
        ([], []),
        ([1_000, 10_000, 100_000], [0.0, 0.0, 0.0]),
        ([1_000, 10_000, 100_000] * 2, [0.25] * 6),
        ([0, 0, 0], [0.1, 0.2, 0.15]),
        ([0, 1_000, 10_000], [0.0, 0.3, 3.0]),
        ([1_000, 10_000, 100_000, 100_000], [0.01, float("nan"), 1.0, -1.0]),
        ([1_000, 10_000, 100_000], [1e-9, 5e4, 1e-9]),
        ([10**12, 10**12 + 1, 10**12 + 2], [3600.0, 3600.0, 3601.0]),
    ],
)
def test_degenerate_inputs_never_raise(rows: list[int], seconds: list[float]) -> None:
    assert_sane(fit(rows, seconds))


def test_degenerate_inputs_give_sensible_answers() -> None:
    zeros = fit([1_000, 10_000, 100_000], [0.0, 0.0, 0.0])
    assert zeros.model == "constant" and zeros.predict(10**7).seconds == 0.0
    same = fit([1_000, 10_000, 100_000] * 2, [0.25] * 6)
    assert same.model == "constant"
    p = same.predict(1_000_000)
    assert p.seconds == pytest.approx(0.25)
    assert p.low < 0.25 < p.high  # identical timings still get a (floor) range
    empty = fit([], [])
    assert empty.low_confidence and empty.points == 0 and empty.predict(1_000).seconds == 0.0
    dropped = fit([1_000, 10_000, 100_000, 100_000], [0.01, float("nan"), 1.0, -1.0])
    assert dropped.points == 2 and dropped.sizes == (1_000, 100_000)


def test_mismatched_lengths_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        fit([1, 2], [0.1])


def test_sub_millisecond_steps_are_constant_too_fast_to_measure() -> None:
    # Grows 9x over 100x rows, but every timing is under 1 ms: timer noise, not a slope.
    rows = [1_000, 10_000, 100_000] * 2
    secs = [0.0001, 0.0003, 0.0009, 0.00012, 0.00028, 0.00088]
    assert max(secs) < FAST_SECONDS
    f = fit(rows, secs)
    assert f.model == "constant" and f.coefficients[1] == 0.0
    assert f.shape == "constant (too fast to measure growth)"
    assert f.points == 6  # kept, not dropped
    assert 0.0001 <= f.predict(10**7).seconds <= 0.0009
    assert_sane(f)
    # One slow size is enough to measure growth again.
    assert fit([*rows, 1_000_000], [*secs, 0.009]).model != "constant"


# ---- forecast --------------------------------------------------------------------------------------------------------


def test_forecast_per_table_counts_and_summary() -> None:
    rows, secs = synth("linear", THREE_SIZES, 2, 0.05, 3)
    steps = [
        StepTiming("a1", "up", ("orders",), tuple(zip(rows, secs, strict=True))),
        StepTiming("a1", "down", (), tuple(zip(rows, secs, strict=True))),
        StepTiming("b2", "up", ("public.Customers",), ((1_000, 0.05), (10_000, 0.05), (100_000, 0.05))),
    ]
    counts = {"orders": 3_000_000, "customers": 20_000, "audit": 8_000_000}
    up, down, other = forecast(steps, counts)
    assert (up.revision, up.direction, up.rows, up.basis) == ("a1", "up", 3_000_000, "table orders")
    assert up.fit.model == "linear"
    assert up.prediction.seconds == pytest.approx(TRUE["linear"](3_000_000), rel=0.3)
    assert re.fullmatch(r"~\S+ \S+ \(\S+ \S+–\S+ \S+\), linear in rows", up.summary), up.summary
    # unknown tables: the largest table, and its 80x extrapolation is not yet a warning
    assert (down.rows, down.basis) == (8_000_000, "largest table audit")
    assert down.prediction.warning is None
    # schema-qualified, differently cased name still matches
    assert (other.rows, other.basis) == (20_000, "table public.Customers")
    assert other.summary.endswith("constant")


def test_forecast_one_number_for_all_and_flags_in_summary() -> None:
    rows, secs = synth("nlogn", THREE_SIZES, 2, 0.05, 4)
    (fc,) = forecast([StepTiming("c3", "up", ("t",), tuple(zip(rows, secs, strict=True)))], 10**9)
    assert fc.rows == 10**9 and fc.basis == "given"
    assert fc.prediction.extrapolation == 10_000.0
    assert fc.prediction.warning and "10000x" in fc.prediction.warning
    assert "10000x beyond the measured sizes" in fc.summary
    (low,) = forecast([StepTiming("d4", "down", (), ((50_000, 0.4),))], 100_000)
    assert low.summary.endswith("; low confidence") and "assumed linear" in low.summary
    assert forecast([], 10) == []


def test_production_size_without_counts_uses_the_largest_measured_size() -> None:
    f = fit([1_000, 10_000], [0.1, 1.0])
    assert production_size((), {}, f) == (10_000, "no production counts: the largest measured size")
    assert production_size(("x",), np.int64(5), f) == (5, "given")  # type: ignore[arg-type]


def test_format_seconds_and_t_quantiles() -> None:
    assert format_seconds(42.4) == "42 s"
    assert format_seconds(0.15) == "150 ms"
    assert format_seconds(float("inf")) == "∞"
    # Student t 97.5 % quantiles from a table: 2.0595 (25), 2.0211 (40), 1.9719 (200)
    assert t975(25) == pytest.approx(2.0595, abs=1e-3)
    assert t975(40) == pytest.approx(2.0211, abs=1e-3)
    assert t975(200) == pytest.approx(1.9719, abs=1e-3)


# ---- fuzz --------------------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10**10),
            st.floats(min_value=1e-9, max_value=1e5, allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=20,
    ),
    st.floats(min_value=0, max_value=1e13, allow_nan=False, allow_infinity=False),
)
def test_any_positive_input_predicts_a_finite_ordered_range(
    points: list[tuple[int, float]], n: float
) -> None:
    f = fit([r for r, _ in points], [s for _, s in points])
    assert f.points == len(points)
    assert_sane(f, (n, 0, 1e6))
    assert f.model in ("constant", "linear", "nlogn")
    (fc,) = forecast([StepTiming("r", "up", (), tuple(points))], round(n))
    assert fc.summary and fc.prediction.low <= fc.prediction.seconds <= fc.prediction.high


def test_three_single_measurements_that_grow_steadily_are_not_called_constant() -> None:
    """A real SQLite batch recreation measured once per scale: the F-test alone has one degree of freedom."""
    from maat_nb.migrations.predict import fit

    f = fit([1_000, 10_000, 100_000], [0.0133, 0.0787, 0.2532])
    assert f.model in ("linear", "nlogn")
    assert f.predict(1_000_000).seconds > 1.0
    flat = fit([1_000, 10_000, 100_000], [0.011, 0.012, 0.0115])  # noise: stays constant
    assert flat.model == "constant"
