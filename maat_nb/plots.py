"""Profiles to matplotlib figures. Pure presentation: no database, no printing.

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot: no global state, no backend switch (which
would suppress inline figures in a notebook), and Jupyter displays a returned Figure as a PNG.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from maat_nb.profiling.model import ColumnProfile, Profile
from maat_nb.querylog.digest import Digest
from maat_nb.querylog.frames import short_fingerprint

MAX_BARS = 25


def _mib(n: int | None) -> float:
    return (n or 0) / 2**20


def plot_sizes(profile: Profile) -> Figure:
    """Horizontal stacked bars of data, index and TOAST size per table, largest first."""
    tables = sorted(
        (t for t in profile.tables if t.table.stats.total_bytes is not None),
        key=lambda t: t.table.stats.total_bytes or 0,
    )[-MAX_BARS:]
    fig = Figure(figsize=(9, 0.35 * max(len(tables), 3) + 1.2))
    ax = fig.subplots()
    names = [t.name for t in tables]
    data = [_mib(t.table.stats.data_bytes) for t in tables]
    index = [_mib(t.table.stats.index_bytes) for t in tables]
    toast = [_mib(t.table.stats.toast_bytes) for t in tables]
    ax.barh(names, data, label="data")
    ax.barh(names, index, left=data, label="indexes")
    if any(toast):
        ax.barh(names, toast, left=[a + b for a, b in zip(data, index, strict=True)], label="TOAST")
    ax.set_xlabel("MiB")
    ax.set_title("Table sizes" if tables else "Table sizes (the engine reports none)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def plot_index_sizes(profile: Profile) -> Figure:
    """The largest indexes, unused ones (PostgreSQL, 0 scans) in a warning colour."""
    rows = [
        (f"{t.name}.{ix.name}", _mib(ix.bytes), ix.scans == 0 and not (ix.primary or ix.unique))
        for t in profile.tables
        for ix in t.table.indexes
        if ix.bytes is not None
    ]
    rows = sorted(rows, key=lambda r: r[1])[-MAX_BARS:]
    fig = Figure(figsize=(9, 0.3 * max(len(rows), 3) + 1.2))
    ax = fig.subplots()
    ax.barh(
        [r[0] for r in rows], [r[1] for r in rows], color=["tab:red" if r[2] else "tab:blue" for r in rows]
    )
    ax.set_xlabel("MiB")
    ax.set_title("Index sizes (red: never scanned)" if rows else "Index sizes (the engine reports none)")
    fig.tight_layout()
    return fig


def plot_null_fractions(profile: Profile) -> Figure:
    """Share of NULLs of every column that has any, highest first."""
    rows = sorted(
        (
            (f"{t.name}.{c.name}", c.null_frac or 0.0)
            for t in profile.tables
            for c in t.columns
            if c.null_frac
        ),
        key=lambda r: r[1],
    )[-MAX_BARS * 2 :]
    fig = Figure(figsize=(9, 0.25 * max(len(rows), 3) + 1.2))
    ax = fig.subplots()
    ax.barh([r[0] for r in rows], [r[1] for r in rows], color="tab:orange")
    ax.set_xlim(0, 1)
    ax.set_xlabel("NULL fraction")
    ax.set_title("Columns with NULLs" if rows else "No column has NULLs")
    fig.tight_layout()
    return fig


def _pick_columns(profile: Profile, wanted: list[str]) -> list[tuple[str, ColumnProfile]]:
    if wanted:
        out = []
        for item in wanted:
            table, _, column = item.partition(".")
            for t in profile.tables:
                if t.name == table:
                    out += [(item, c) for c in t.columns if c.name == column and c.histogram]
        return out
    biggest = sorted(profile.tables, key=lambda t: t.rows or 0, reverse=True)[:4]
    return [(f"{t.name}.{c.name}", c) for t in biggest for c in t.columns if c.histogram][:9]


def plot_distributions(profile: Profile, columns: list[str] | None = None) -> Figure:
    """Histograms of numeric and date columns (``"table.column"``; default: the biggest tables' columns)."""
    picked = _pick_columns(profile, columns or [])
    n = max(len(picked), 1)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig = Figure(figsize=(4 * cols, 2.8 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat[len(picked) :]:
        ax.set_visible(False)
    if not picked:
        axes[0][0].set_visible(True)
        axes[0][0].text(0.5, 0.5, "no numeric or date column to plot", ha="center")
    for ax, (label, col) in zip(axes.flat, picked, strict=False):
        hist = col.histogram or ()
        counts = [b[2] for b in hist]
        ax.bar(range(len(counts)), counts, width=1.0, color="tab:green")
        if hist:
            ax.set_xticks([0, len(counts) - 1], [str(hist[0][0])[:10], str(hist[-1][1])[:10]])
        ax.set_title(f"{label} ({col.top_source})", fontsize=9)
    fig.tight_layout()
    return fig


# ---- query-log digests -------------------------------------------------------------------------------------------


def plot_time_share(digest: Digest, top: int = 10) -> Figure:
    """Share of total execution time per query class (top ``top``, the rest as one bar)."""
    classes = digest.classes[:top]
    rest = sum(c.share for c in digest.classes[top:])
    names = [f"{c.id[:6]} {short_fingerprint(c.fingerprint, 70)}" for c in classes] + (
        ["(all other classes)"] if rest else []
    )
    shares = [100 * c.share for c in classes] + ([100 * rest] if rest else [])
    fig = Figure(figsize=(10, 0.35 * max(len(names), 3) + 1.2))
    ax = fig.subplots()
    ax.barh(names[::-1], shares[::-1], color="tab:blue")
    for y, value in enumerate(shares[::-1]):
        ax.text(value, y, f" {value:.1f} %", va="center", fontsize=8)
    ax.set_xlabel("% of total execution time")
    ax.set_title(f"Where the time goes: {digest.total_s:,.2f} s in {digest.events:,} statements")
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def plot_latency(digest: Digest, top: int = 6) -> Figure:
    """Latency distribution (log scale) of the classes with the most total time: executions per duration bin."""
    fig = Figure(figsize=(10, 4.5))
    ax = fig.subplots()
    for c in digest.classes[:top]:
        if not c.latency:
            continue
        xs = [max(upper, 1e-6) for upper, _ in c.latency]
        ys = [n for _, n in c.latency]
        ax.step(xs, ys, where="pre", label=f"{c.id[:6]} p95 {c.p95_s * 1e3:,.2f} ms")
    ax.set_xscale("log")
    ax.set_xlabel("duration (s, log scale)")
    ax.set_ylabel("executions")
    ax.set_title("Latency distribution of the costliest classes")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_load(digest: Digest) -> Figure:
    """Statements per second and seconds spent per minute, over the time the log covers."""
    fig = Figure(figsize=(10, 3.8))
    ax = fig.subplots()
    if not digest.load:
        ax.set_title("Load over time (the log has no timestamps)")
        return fig
    minutes: Any = [m for m, _, _ in digest.load]
    ax.plot(minutes, [n / 60 for _, n, _ in digest.load], color="tab:blue", label="statements/s")
    ax.set_ylabel("statements per second")
    ax2 = ax.twinx()
    ax2.plot(
        minutes, [s for _, _, s in digest.load], color="tab:red", alpha=0.7, label="seconds spent per minute"
    )
    ax2.set_ylabel("seconds spent per minute")
    ax.set_title("Load over time (per minute)")
    fig.autofmt_xdate()
    fig.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


# ---- migration benchmarks ------------------------------------------------------------------------------------


def plot_migration_times(results: Any, direction: str = "up", top: int = 8) -> Figure:
    """Time against rows (log-log) per revision, one panel per engine; the fitted forecast curve dashed."""
    import math

    runs = results if isinstance(results, list | tuple) else [results]
    fig = Figure(figsize=(10, 4.2 * max(1, len(runs))))
    axes = fig.subplots(max(1, len(runs)), 1, squeeze=False)[:, 0]
    for ax, res in zip(axes, runs, strict=False):
        steps = [s for s in res.steps if s.ok and s.direction == direction and not math.isnan(s.seconds)]
        by_rev: dict[str, list[tuple[int, float]]] = {}
        for s in steps:
            by_rev.setdefault(s.revision, []).append((max(s.rows, 1), max(s.seconds, 1e-6)))
        ranked = sorted(by_rev, key=lambda r: -max(t for _, t in by_rev[r]))[:top]
        fits = {(f.revision, f.direction): f.fit for f in res.forecast}
        for rev in ranked:
            pts = sorted(by_rev[rev])
            line = ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=rev[:24])[0]
            fit = fits.get((rev, direction))
            if fit is not None:
                xs = [
                    pts[0][0] * (10 ** (i / 10)) for i in range(0, 41) if pts[0][0] * (10 ** (i / 10)) <= 1e7
                ]
                ax.plot(
                    xs,
                    [max(fit.predict(x).seconds, 1e-6) for x in xs],
                    "--",
                    color=line.get_color(),
                    alpha=0.5,
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("rows per table")
        ax.set_ylabel("seconds")
        ax.set_title(f"{res.engine}: {direction}grade time per revision (dashed: fitted forecast)")
        if ranked:
            ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
