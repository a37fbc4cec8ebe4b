"""Small conveniences for notebooks: display settings and a headline of a profile."""

from __future__ import annotations

from typing import Any

from maat_nb.profiling.model import Profile
from maat_nb.querylog.read import LogDigest


def setup_notebook() -> None:
    """Show whole DataFrames (long DDL fixes included) and crisp inline figures."""
    import pandas as pd

    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 500)
    pd.set_option("display.max_columns", 50)
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except ImportError:  # outside IPython nothing needs configuring
        pass


def _size(n: int | None) -> str:
    if n is None:
        return "unknown"
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:,.1f} {unit}"
        size /= 1024
    return f"{n} B"


class Markdown:
    """Markdown text that Jupyter renders (and that prints as itself elsewhere)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def profile_summary(profile: Profile) -> Markdown:
    """A few lines that say what was profiled, how big it is, and what was found."""
    cat = profile.catalog
    total_rows = sum(t.rows or 0 for t in profile.tables)
    total_bytes = sum(t.table.stats.total_bytes or 0 for t in profile.tables)
    kinds: dict[str, int] = {}
    for f in profile.findings:
        kinds[f.severity] = kinds.get(f.severity, 0) + 1
    sources: dict[str, int] = {}
    for t in profile.tables:
        for c in t.columns:
            sources[c.source] = sources.get(c.source, 0) + 1
    lines: list[Any] = [
        f"**{cat.dialect} {cat.server_version}** database `{cat.database}` ({profile.target})",
        "",
        f"- {len(profile.tables)} tables and views, {total_rows:,} rows, {_size(total_bytes)} on disk",
        f"- {len(profile.findings)} findings: "
        + (", ".join(f"{n} {sev}" for sev, n in sorted(kinds.items())) or "none"),
        "- column figures: " + ", ".join(f"{n} {src}" for src, n in sorted(sources.items())),
        f"- profiled in {profile.seconds:.2f} s, read-only",
    ]
    lines += [f"- note: {n}" for n in cat.notes]
    return Markdown("\n".join(str(x) for x in lines))


_SEVERITY_STYLE = {
    "high": "color: #b00020; font-weight: bold",
    "medium": "color: #b35900",
    "low": "color: #555",
}


def show_findings(profile: Profile) -> Any:
    """The findings as a styled table: severity coloured, each fix shown as the SQL it is (line breaks kept)."""
    from maat_nb.profiling.frames import findings_frame

    frame = findings_frame(profile)
    if frame.empty:
        return Markdown("No findings: every rule passed.")
    return (
        frame.style.hide(axis="index")
        .map(lambda v: _SEVERITY_STYLE.get(v, ""), subset=["severity"])
        .set_properties(subset=["detail"], **{"text-align": "left"})
        .set_properties(
            subset=["fix"], **{"white-space": "pre-wrap", "font-family": "monospace", "text-align": "left"}
        )
    )


def digest_summary(result: LogDigest) -> Markdown:
    """What the logs hold: statements, classes, time span, the costliest class, bad records and warnings."""
    d = result.digest
    span = (d.end - d.start).total_seconds() if d.start is not None and d.end is not None else None
    files = ", ".join(f"`{f.path}` ({f.format}, {f.events:,} statements)" for f in result.files)
    lines = [
        f"**{d.events:,} statements** in **{len(d.classes):,} query classes**, {d.total_s:,.3f} s of execution "
        f"time" + (f" over {span:,.0f} s ({d.events / span:,.1f} statements/s)" if span else ""),
        "",
        f"- read: {files}",
        f"- time range: {d.start} .. {d.end}" if d.start else "- the logs carry no timestamps",
    ]
    if d.classes:
        top = d.classes[0]
        lines.append(
            f"- the costliest class takes {100 * top.share:.1f} % of the time: `{' '.join(top.fingerprint.split())[:160]}`"
        )
    lines.append(f"- {len(result.n_plus_one)} N+1 pattern(s) found")
    lines.append(f"- {d.bad_records:,} bad records (counted and skipped)")
    lines += [f"- **warning:** {w}" for w in result.warnings]
    return Markdown("\n".join(lines))


def show_n_plus_one(result: LogDigest) -> Any:
    """The N+1 patterns as a table with the SQLAlchemy fix for each, or a sentence when there are none."""
    from maat_nb.querylog.frames import n_plus_one_frame

    frame = n_plus_one_frame(result)
    if frame.empty:
        return Markdown("No N+1 pattern: no session ran one query per row of an earlier result.")
    return (
        frame.style.hide(axis="index")
        .format({"child_seconds": "{:.3f}"})
        .set_properties(subset=["parent", "child"], **{"font-family": "monospace", "text-align": "left"})
        .set_properties(subset=["fix"], **{"white-space": "pre-wrap", "text-align": "left"})
    )


def show_examples(result: LogDigest, top: int = 10) -> Any:
    """The slowest execution of each top class, with its logged parameters put in: ready to EXPLAIN."""
    import pandas as pd

    rows = [
        {"id": c.id, "max_ms": c.max_s * 1e3, "example": c.example, "logged at": c.example_source}
        for c in result.digest.classes[:top]
    ]
    frame = pd.DataFrame(rows, columns=["id", "max_ms", "example", "logged at"])
    return (
        frame.style.hide(axis="index")
        .format({"max_ms": "{:,.3f}"})
        .set_properties(
            subset=["example"],
            **{"white-space": "pre-wrap", "font-family": "monospace", "text-align": "left"},
        )
    )


def migration_summary(results: Any) -> Markdown:
    """Per engine: revisions, scales, failures, data loss, the round trip and the slowest step."""
    import math

    runs = results if isinstance(results, list | tuple) else [results]
    lines = []
    for res in runs:
        failed = [s for s in res.steps if not s.ok]
        loss = sorted({f"{s.revision} ({s.direction})" for s in res.steps if s.data_loss})
        timed = [s for s in res.steps if s.ok and not math.isnan(s.seconds)]
        slow = max(timed, key=lambda s: s.seconds, default=None)
        lines.append(
            f"**{res.engine}** ({res.server}): {len(res.revisions)} revisions x scales "
            f"{', '.join(f'{n:,}' for n in res.scales)} rows, {res.seconds:.1f} s"
        )
        lines.append(
            f"- failed steps: {len(failed)}"
            + (f" — first: {failed[0].revision} {failed[0].direction}: {failed[0].error}" if failed else "")
        )
        lines.append(f"- data loss: {', '.join(loss) if loss else 'none'}")
        lines.append(
            f"- round trip (up, down, up gives the same data): {'ok' if res.roundtrip_ok else 'DIFFERS'}"
        )
        if slow is not None:
            lines.append(
                f"- slowest step: {slow.revision} {slow.direction} at {slow.rows:,} rows: {slow.seconds:.3f} s"
            )
        lines.append("")
    return Markdown("\n".join(lines))


def show_migration_advice(results: Any) -> Any:
    """The steps that need care (locks, rewrites, COPY, data loss, failures) with the safer way to write them."""
    from maat_nb.migrations.frames import steps_frame

    frame = steps_frame(results)
    frame = frame[(frame["advice"] != "") | (~frame["ok"])]
    frame = frame.drop_duplicates(subset=["engine", "revision", "direction"])
    if frame.empty:
        return Markdown("Every step looks harmless: no rewrite, no blocking lock, no COPY, no data loss.")
    return (
        frame[
            [
                "engine",
                "revision",
                "direction",
                "lock",
                "algorithm",
                "rewrites",
                "data_loss",
                "error",
                "advice",
            ]
        ]
        .style.hide(axis="index")
        .set_properties(subset=["advice", "error"], **{"white-space": "pre-wrap", "text-align": "left"})
    )
