"""Every notebook runs under papermill on each engine, and its report keeps no secret."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest
from sqlalchemy.engine import make_url

from maat_nb import reports
from maat_nb.demo import build_demo

NOTEBOOKS = reports.list_notebooks()
PASSWORD = "N0t-In-Any-Report%"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_contract(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert not any(c.get("outputs") or c.get("execution_count") for c in code), "stored with outputs"
    params = pm.inspect_notebook(str(path))
    assert params and all(p["inferred_type_name"] != "None" and p["help"] for p in params.values()), params
    body = "\n".join(c.source for c in code[1:])
    assert "import maat_nb as mn" in body
    for forbidden in ("SELECT ", "def ", "class ", "asyncio.run"):
        assert forbidden not in body


@pytest.mark.notebook
async def test_profile_notebook_renders_on_each_engine(
    empty_db: str, engine_kind: str, tmp_path: Path
) -> None:
    await build_demo(empty_db, scale=0.003, seed=3, progress=False)
    url = empty_db
    if engine_kind == "postgresql":  # trust authentication accepts any password: prove it never leaks
        url = make_url(empty_db).set(password=PASSWORD).render_as_string(hide_password=False)
    out = tmp_path / "reports"
    import asyncio

    report = await asyncio.to_thread(
        reports.run_notebook, "profile_tables", {"db": url}, out_dir=out, progress=False
    )
    assert report.status == "ok"
    html = Path(report.html_path).read_text(encoding="utf-8")
    assert "fk_without_index" in html or "redundant_index" in html  # the findings table rendered
    assert "data:image/png" in html  # plots inlined
    assert "import maat_nb" not in html  # results only
    for file in out.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert PASSWORD.encode() not in data and b"N0t-In-Any-Report%25" not in data, file


@pytest.mark.notebook
async def test_plan_indexes_notebook_renders_the_digest_and_the_n_plus_one(tmp_path: Path) -> None:
    import asyncio

    from maat_nb.demo.workload import record_workload

    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    await build_demo(url, scale=0.003, seed=4, progress=False)
    log = tmp_path / "workload.jsonl"
    await record_workload(url, log, pages=120, seed=4)
    out = tmp_path / "reports"
    report = await asyncio.to_thread(
        reports.run_notebook,
        "plan_indexes",
        {"db": url, "log": [str(log)], "top": 5},
        out_dir=out,
        progress=False,
    )
    assert report.status == "ok", report.error
    html = Path(report.html_path).read_text(encoding="utf-8")
    assert "query classes" in html and "N+1" in html
    assert "selectinload" in html and "joinedload" in html  # both N+1 fixes of the demo's N+1 page
    assert html.count("data:image/png") >= 3  # time share, latency, load


@pytest.mark.notebook
async def test_plan_indexes_notebook_reports_a_bad_log_clearly(tmp_path: Path) -> None:
    import asyncio

    bad = tmp_path / "diary.txt"
    bad.write_text("Dear diary, the database was slow today.\n")
    from maat_nb.errors import ReportError

    with pytest.raises(ReportError) as failed:
        await asyncio.to_thread(
            reports.run_notebook,
            "plan_indexes",
            {"log": [str(bad)]},
            out_dir=tmp_path / "reports",
            progress=False,
        )
    assert "FormatError" in str(failed.value)
    html = Path(failed.value.html).read_text(encoding="utf-8")
    assert "FormatError" in html and "Dear diary" in html  # the error is in the report, with what was seen


@pytest.mark.notebook
async def test_migration_benchmark_notebook_renders_engines_side_by_side(tmp_path: Path) -> None:
    import asyncio

    from tests.conftest import SERVER_URLS, require_server

    require_server("postgresql")
    project = Path(__file__).parent / "fixtures" / "alembic_projects" / "sync_shop" / "alembic.ini"
    params = {
        "db": ["sqlite:///scratch.db", SERVER_URLS["postgresql"]],
        "alembic_ini": str(project),
        "scales": [30, 120],
        "production_rows": 100000,
    }
    report = await asyncio.to_thread(
        reports.run_notebook, "migration_benchmark", params, out_dir=tmp_path / "reports", progress=False
    )
    assert report.status == "ok", report.error
    html = Path(report.html_path).read_text(encoding="utf-8")
    assert "sqlite" in html and "postgresql" in html
    assert (
        "ACCESS EXCLUSIVE" in html and "expand/backfill/contract" in html
    )  # 0003 rewrites items on PostgreSQL
    assert "destroys data" in html  # 0006 drops the filled note column
    assert html.count("data:image/png") >= 2
