"""Reports: papermill really runs the fixture notebooks; the files written are read back byte for byte.

The expensive runs happen once, in the module fixture ``runs``; the tests then inspect what they left behind.
"""

from __future__ import annotations

import doctest
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from urllib.parse import quote, quote_plus

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

import maat_nb.reports
import maat_nb.reports_index
from maat_nb.errors import ConfigError, NotFoundError, ReportError
from maat_nb.reports import (
    REPO,
    Report,
    list_notebooks,
    mask_parameters,
    notebook_path,
    run_all,
    run_notebook,
    scrub_notebook,
    secrets_of,
)
from maat_nb.reports_index import reserve, write_index

pytestmark = pytest.mark.notebook

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
PLOT, FAILS, LEAKY = FIXTURES / "plot_params.ipynb", FIXTURES / "fails.ipynb", FIXTURES / "leaky.ipynb"

PASSWORD = "S3cr3t-pw!"
URL = "postgresql://u:S3cr3t-pw%21@h/db"
ENV_NAME = "MAAT_TEST_REPORT_DB"
ENV_PASSWORD = "EnvPa55word/9"
ENV_URL = f"postgresql://envuser:{quote(ENV_PASSWORD, safe='')}@dbhost/shop"
TOKEN = "tok-abc123XYZ"
#: Every form a secret could take in a file; "S3cr3t" and "EnvPa55word" alone also catch any other encoding.
NEEDLES = [
    PASSWORD,
    quote(PASSWORD, safe=""),
    quote_plus(PASSWORD),
    "S3cr3t",
    ENV_PASSWORD,
    quote(ENV_PASSWORD, safe=""),
    "EnvPa55word",
    TOKEN,
]


@dataclass(frozen=True)
class Runs:
    out: Path
    plot: Report
    plot_code: Report
    leaky: Report
    leaky_env: Report
    failure: ReportError
    batch: list[Report]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    out = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_NAME, ENV_URL)
        plot = run_notebook(PLOT, {"title": "Squares of four", "n": 4}, out_dir=out, progress=False)
        plot_code = run_notebook(PLOT, {"n": 4}, out_dir=out, with_code=True, progress=False)
        leaky = run_notebook(
            LEAKY, {"db": URL, "api_token": TOKEN}, out_dir=out, with_code=True, progress=False
        )
        leaky_env = run_notebook(LEAKY, {"db": f"env:{ENV_NAME}"}, out_dir=out, progress=False)
        with pytest.raises(ReportError) as info:
            run_notebook(FAILS, {"db": URL}, out_dir=out, progress=False)
        batch = run_all({"n": 3}, out_dir=out, progress=False, notebooks=[FAILS, PLOT])
    return Runs(out, plot, plot_code, leaky, leaky_env, info.value, batch)


def _sidecars(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in out.glob("*/*.json")]


# ---------------------------------------------------------------------------------------------------------
# Layout and rendering


def test_reports_land_at_dated_paths(runs: Runs) -> None:
    for report in (runs.plot, runs.plot_code, runs.leaky, runs.leaky_env, *runs.batch):
        day = runs.out / report.started.strftime("%Y-%m-%d")
        assert report.html_path.parent == day
        assert re.fullmatch(rf"{report.name}-{report.started:%H%M%S}(-\d+)?", report.html_path.stem)
        assert report.notebook_path == report.html_path.with_suffix(".ipynb")
        assert report.sidecar_path.is_file() and report.notebook_path.is_file() and report.html_path.is_file()
        nbformat.validate(nbformat.read(report.notebook_path, as_version=4))
        assert report.seconds > 0
    assert (runs.out / "index.html").is_file()
    stray = [p for p in runs.out.rglob("*") if p.is_file() and p.suffix not in {".ipynb", ".html", ".json"}]
    assert stray == []


def test_html_shows_results_only_by_default(runs: Runs) -> None:
    page = runs.plot.html_path.read_text()
    assert 'src="data:image/png;base64,' in page  # the matplotlib figure, inlined
    assert "title=Squares of four n=4" in page  # printed output
    assert "# draw the squares" not in page  # no code
    assert 'jp-InputArea-prompt">In' not in page  # no prompts
    assert "celltag_injected-parameters" not in page  # the injected cell is gone, not just empty
    assert runs.plot.status == "ok" and runs.plot.error is None
    assert runs.plot.parameters == {"title": "Squares of four", "n": 4}


def test_html_with_code(runs: Runs) -> None:
    page = runs.plot_code.html_path.read_text()
    assert "# draw the squares" in page
    assert 'src="data:image/png;base64,' in page
    assert "celltag_injected-parameters" in page


def test_no_secret_survives_in_any_file(runs: Runs) -> None:
    files = [p for p in runs.out.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        data = path.read_bytes()
        for needle in NEEDLES:
            assert needle.encode() not in data, f"{needle!r} leaked into {path.name}"
    # The notebooks did print the URLs: masked, not dropped.
    leaky_page = runs.leaky.html_path.read_text()
    assert "postgresql://u:***@h/db" in leaky_page
    assert "celltag_injected-parameters" in leaky_page  # with_code keeps the injected cell, scrubbed
    assert "postgresql://envuser:***@dbhost/shop" in runs.leaky_env.html_path.read_text()
    assert runs.leaky.parameters == {"db": "postgresql://u:***@h/db", "api_token": "***"}
    assert runs.leaky_env.parameters == {"db": f"env:{ENV_NAME}"}
    meta = nbformat.read(runs.leaky.notebook_path, as_version=4).metadata.papermill
    assert meta.parameters == {"db": "postgresql://u:***@h/db", "api_token": "***"}
    assert "S3cr3t" not in str(runs.failure)


# ---------------------------------------------------------------------------------------------------------
# Failures


def test_failing_notebook_still_writes_its_report(runs: Runs) -> None:
    err = runs.failure
    assert "LookupError: no table 'orders' in postgresql://u:***@h/db" in str(err)
    html_path, nb_path = Path(err.html), Path(err.notebook)
    assert html_path.is_file() and nb_path.is_file()
    page = html_path.read_text()
    assert "LookupError" in page and "no table" in page  # the traceback is shown without the code
    assert "before the failure" in page
    assert "# draw the squares" not in page
    sidecar = json.loads(html_path.with_suffix(".json").read_text())
    assert sidecar["status"] == "failed"
    assert sidecar["error"].startswith("LookupError: no table")
    index = (runs.out / "index.html").read_text()
    row = next(line for line in index.splitlines() if f"{html_path.stem}.html" in line)
    assert '<tr class="failed">' in row and "LookupError" in row


def test_run_all_runs_everything_despite_a_failure(runs: Runs) -> None:
    failed, ok = runs.batch
    assert (failed.name, failed.status, ok.name, ok.status) == ("fails", "failed", "plot_params", "ok")
    assert failed.error is not None and failed.error.startswith("LookupError")
    assert failed.html_path.is_file() and ok.html_path.is_file()
    assert failed.parameters == {} and ok.parameters == {"n": 3}  # only declared parameters are passed


def test_run_all_rejects_a_parameter_no_notebook_declares(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="tabel"):
        run_all({"tabel": "orders"}, out_dir=tmp_path / "out", notebooks=[FAILS, PLOT], progress=False)
    assert not (tmp_path / "out").exists()


def test_missing_notebook_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        notebook_path("no_such_notebook")
    known = tuple(p.stem for p in list_notebooks())
    assert info.value.known == known and info.value.name == "no_such_notebook"
    assert all(name in str(info.value) for name in known)
    with pytest.raises(NotFoundError):
        run_notebook(tmp_path / "missing.ipynb", out_dir=tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_notebook_path_and_list(tmp_path: Path) -> None:
    assert notebook_path(PLOT) == PLOT.resolve()
    for path in list_notebooks():
        assert path.suffix == ".ipynb" and path.parent == REPO / "notebooks"
        assert notebook_path(path.stem) == path.resolve() == notebook_path(path.name)


# ---------------------------------------------------------------------------------------------------------
# Index and collisions


def test_index_lists_every_run_newest_first(runs: Runs) -> None:
    index = (runs.out / "index.html").read_text()
    cars = sorted(_sidecars(runs.out), key=lambda c: datetime.fromisoformat(c["started"]), reverse=True)
    assert len(cars) == 7 and index.count("<tr class=") == 7
    day = runs.plot.started.strftime("%Y-%m-%d")
    positions = [index.index(f'href="{day}/{car["report"]}.html"') for car in cars]
    assert positions == sorted(positions)
    assert index.count('<tr class="failed">') == 2 and index.count('<tr class="ok">') == 5
    assert "postgresql://u:***@h/db" in index and f"env:{ENV_NAME}" in index
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", index)
    assert re.search(r"\d+\.\d s", index)


def test_index_is_rebuilt_from_the_sidecars(runs: Runs, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    for path in runs.out.glob("*/*.json"):
        (copy / path.parent.name).mkdir(parents=True, exist_ok=True)
        (copy / path.parent.name / path.name).write_bytes(path.read_bytes())
    (copy / "junk").mkdir()
    (copy / "junk" / "x.json").write_text("{}")
    (copy / runs.plot.html_path.parent.name / "broken.json").write_text("{")
    rebuilt = write_index(copy).read_text()
    assert rebuilt == (runs.out / "index.html").read_text()


def test_same_second_runs_do_not_overwrite(tmp_path: Path) -> None:
    started = datetime.now().astimezone()
    first = reserve(tmp_path, "nb", started)
    second = reserve(tmp_path, "nb", started)
    assert first.name == f"nb-{started:%H%M%S}" and second.name == f"nb-{started:%H%M%S}-2"
    assert first.with_suffix(".json").is_file() and second.with_name(second.name + ".json").is_file()

    # A real run whose second is already taken: claim the next few seconds' names beforehand.
    out = tmp_path / "out"
    now = datetime.now().astimezone()
    taken = []
    for offset in range(4):
        moment = datetime.fromtimestamp(now.timestamp() + offset).astimezone()
        path = out / f"{moment:%Y-%m-%d}" / f"leaky-{moment:%H%M%S}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("earlier run")
        taken.append(path)
    report = run_notebook(LEAKY, out_dir=out, progress=False)
    assert report.notebook_path.stem.endswith("-2")
    assert report.notebook_path.with_name(report.notebook_path.stem[:-2] + ".ipynb") in taken
    assert all(path.read_text() == "earlier run" for path in taken)


# ---------------------------------------------------------------------------------------------------------
# Pure helpers


def test_secrets_of(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAAT_TEST_SECRET_URL", "mysql://root:rootpw@h/db")
    monkeypatch.setenv("MAAT_TEST_TOKEN", "t0ken-from-env")
    found = secrets_of(
        {
            "db": "postgresql://u:p%40ss@h/db",
            "replica": "env:MAAT_TEST_SECRET_URL",
            "missing": "env:MAAT_TEST_UNSET_VARIABLE",
            "gh_token": "env:MAAT_TEST_TOKEN",
            "db_password": "hunter22",
            "urls": ["postgresql://a:listpw@h/db"],
            "dsn": "postgresql://u@h/db?password=qpw",
            "table": "orders",
            "key_count": 3,
            "not_a_url": "a:b@c",
        }
    )
    assert set(found) == {"p@ss", "p%40ss", "rootpw", "t0ken-from-env", "hunter22", "listpw", "qpw"}


def test_mask_parameters() -> None:
    params = {"db": URL, "api_token": TOKEN, "n": 3, "note": f"pw is {PASSWORD}", "src": "env:X"}
    params |= {"empty_key": "", "token": "env:TOKEN"}
    assert mask_parameters(params) == {
        "db": "postgresql://u:***@h/db",
        "api_token": "***",
        "n": 3,
        "note": "pw is ***",
        "src": "env:X",
        "empty_key": "",
        "token": "env:TOKEN",
    }


def test_scrub_notebook_reaches_every_corner() -> None:
    png = "aGVsbG8gUzNjcjN0"  # binary data is never rewritten
    red = "\x1b[31mS3cr3t\x1b[0m-pw!"  # a secret split by colour codes
    nb = new_notebook(
        cells=[
            new_code_cell(
                f'db = "{URL}"',
                outputs=[
                    new_output("stream", name="stderr", text=f"cannot connect to {URL}\n"),
                    new_output("error", ename="ValueError", evalue=PASSWORD, traceback=[red, "plain"]),
                    new_output(
                        "display_data",
                        data={
                            "text/html": "<b>S3cr3t-pw!</b>",
                            "image/png": png,
                            "application/json": {"u": URL},
                        },
                    ),
                ],
            )
        ],
        metadata={"papermill": {"parameters": {"db": URL}}},
    )
    clean = scrub_notebook(nb, secrets_of({"db": URL}))
    text = json.dumps(clean)
    assert "S3cr3t" not in text.replace(png, "")
    assert clean.cells[0].outputs[2].data["image/png"] == png
    assert clean.cells[0].outputs[1].traceback == ["***", "plain"]
    assert clean.metadata.papermill.parameters.db == "postgresql://u:***@h/db"
    assert URL in json.dumps(nb)  # the input is untouched
    nbformat.validate(clean)


@pytest.mark.parametrize("module", [maat_nb.reports, maat_nb.reports_index])
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
