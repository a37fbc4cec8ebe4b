"""Run notebooks under papermill and turn them into dated, scrubbed HTML reports with an index.

A run of ``notebooks/profile_tables.ipynb`` started on 2024-05-17 at 14:25:01 (local time) writes::

    reports/2024-05-17/profile_tables-142501.ipynb   executed notebook, secrets scrubbed
    reports/2024-05-17/profile_tables-142501.html    results only (or with code), secrets scrubbed
    reports/2024-05-17/profile_tables-142501.json    sidecar (status, masked parameters, start, duration)
    reports/index.html                               every run, newest first, rebuilt on every run

**Secrets.** Papermill writes parameters into the ``injected-parameters`` cell and ``metadata.papermill``,
and a notebook may print them. Before anything is written to the report folder, every string of the executed
notebook (sources, outputs, tracebacks, metadata; not binary images) is scrubbed of the secrets found by
:func:`secrets_of`, raw and URL-quoted, HTML-escaped and behind ANSI colour codes. Papermill's own output file
lives only in a private temporary folder that is deleted after the run.

The library never prints: progress is papermill's tqdm bar on stderr (``progress=False`` turns it off).
"""

from __future__ import annotations

import copy
import html
import os
import re
import tempfile
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import nbformat
from nbformat import NotebookNode
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from maat_nb.engines import mask_url, scrub_text
from maat_nb.errors import ConfigError, NotFoundError, ReportError
from maat_nb.reports_index import Sidecar, reserve, write_index, write_sidecar

__all__ = [
    "Report",
    "list_notebooks",
    "mask_parameters",
    "notebook_path",
    "notebooks_dir",
    "render_html",
    "run_all",
    "run_notebook",
    "scrub_notebook",
    "secrets_of",
    "write_index",
]

REPO = Path(__file__).resolve().parents[1]
MASK = "***"
INJECTED_TAG = "injected-parameters"
# "key" alone would match primary_key or sort_key; only key names that mean a credential count
_SECRET_NAME = re.compile(r"password|passwd|secret|token|(?:api|access|private|secret)_?key", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"://[^:/@\s]*:([^@\s]+)@")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
#: Output mime types holding base64/binary data: never rewritten (a secret cannot be in them as text).
_BINARY_MIME = re.compile(r"^(image/(?!svg)|application/(pdf|octet-stream)|video/|audio/)")


@dataclass(frozen=True)
class Report:
    """The outcome of one notebook run.

    Attributes:
        name: The notebook's name (stem of the source notebook), e.g. ``profile_tables``.
        notebook_path: The executed, scrubbed ``.ipynb`` in the report folder.
        html_path: The rendered HTML report.
        status: ``ok`` or ``failed``.
        error: ``ename: evalue`` of the failing cell (scrubbed), or None.
        parameters: The parameters passed, masked (URL passwords and secret values shown as ``***``).
        started: Start time (local, timezone-aware).
        seconds: Wall-clock duration of execution plus rendering.
    """

    name: str
    notebook_path: Path
    html_path: Path
    status: Literal["ok", "failed"]
    error: str | None
    parameters: dict[str, Any]
    started: datetime
    seconds: float

    @property
    def sidecar_path(self) -> Path:
        """The JSON sidecar next to the report."""
        return self.html_path.with_suffix(".json")

    @property
    def ok(self) -> bool:
        """True when the notebook ran to the end."""
        return self.status == "ok"


# ----------------------------------------------------------------------------------------------------
# Finding notebooks


def notebooks_dir() -> Path:
    """The kit's notebook folder: ``<repo>/notebooks`` (or ``maat_nb/notebooks`` in an installed package)."""
    repo_dir = REPO / "notebooks"
    packaged = Path(__file__).resolve().parent / "notebooks"
    return repo_dir if repo_dir.is_dir() or not packaged.is_dir() else packaged


def list_notebooks() -> list[Path]:
    """Every ``*.ipynb`` of :func:`notebooks_dir`, sorted by name (hidden files skipped)."""
    folder = notebooks_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.name.startswith("."))


def notebook_path(name: str | Path) -> Path:
    """Resolve a notebook: an existing file path, or a bare name such as ``profile_tables`` (``.ipynb``
    optional) looked up in :func:`notebooks_dir`.

    Raises:
        NotFoundError: nothing by that name; ``known`` lists the kit's notebook names.
    """
    path = Path(name).expanduser()
    if path.is_file():
        return path.resolve()
    if len(path.parts) == 1:
        candidate = notebooks_dir() / (path.name if path.suffix == ".ipynb" else f"{path.name}.ipynb")
        if candidate.is_file():
            return candidate.resolve()
    known = tuple(p.stem for p in list_notebooks())
    listed = f"Known notebooks: {', '.join(known)}." if known else f"No notebooks in {notebooks_dir()}."
    raise NotFoundError(
        f"No notebook {str(name)!r}. {listed}",
        name=str(name),
        known=known,
        fix="Pass one of the known names or the path of an .ipynb file.",
    )


# ----------------------------------------------------------------------------------------------------
# Secrets


def secrets_of(parameters: Mapping[str, Any]) -> list[str]:
    """The secrets among notebook parameters, to be scrubbed from every report file.

    A secret is the password of any string value that parses as a database URL (both the decoded password and
    the form written in the URL), the password of the URL held by the environment variable of an ``env:NAME``
    value, and the value of any parameter whose name contains password/passwd/secret/token/key (for an
    ``env:NAME`` value, the variable's content: the reference itself is no secret). Strings inside lists and
    dicts count too; non-string values (numbers, booleans) are never secrets.

    >>> secrets_of({"db": "postgresql://u:S3cr3t%21@h/db", "table": "orders", "n": 3})
    ['S3cr3t!', 'S3cr3t%21']
    >>> secrets_of({"api_token": "tok-1", "db": "sqlite+aiosqlite:///shop.db"})
    ['tok-1']
    """
    found: list[str] = []

    def add(value: str | None) -> None:
        if value and value not in found:
            found.append(value)

    for name, value in parameters.items():
        secret_name = bool(_SECRET_NAME.search(str(name)))
        for leaf in _string_leaves(value):
            is_env = leaf.startswith("env:") and len(leaf) > 4
            resolved = os.environ.get(leaf[4:]) if is_env else None
            if secret_name:  # the value itself, or what the variable it names holds
                add(resolved if is_env else leaf)
            for candidate in (leaf, resolved):
                for password in _url_passwords(candidate):
                    add(password)
    return found


def mask_parameters(parameters: Mapping[str, Any], secrets: Sequence[str] | None = None) -> dict[str, Any]:
    """The parameters as they may be shown: secret-named values become ``***``, URLs lose their password.

    >>> mask_parameters({"db": "postgresql://u:pw@h/db", "api_key": "k-1", "n": 3, "src": "env:DB_URL"})
    {'db': 'postgresql://u:***@h/db', 'api_key': '***', 'n': 3, 'src': 'env:DB_URL'}
    """
    secrets = secrets_of(parameters) if secrets is None else secrets
    masked: dict[str, Any] = {}
    for name, value in parameters.items():
        if _SECRET_NAME.search(str(name)) and value not in (None, "") and not _is_env(value):
            masked[name] = MASK
        else:
            masked[name] = _mask_value(value, secrets)
    return masked


def scrub_notebook(nb: NotebookNode, secrets: Sequence[str]) -> NotebookNode:
    """A copy of ``nb`` with every secret replaced by ``***`` in every string.

    That covers cell sources, outputs (streams, ``text/*``, JSON and SVG data, error values and tracebacks,
    also behind ANSI colour codes) and all metadata. Binary outputs (PNG, JPEG, PDF) and attachments are left
    alone.

    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> out = new_output("stream", name="stdout", text="login u:pw%21x failed\\n")
    >>> nb = new_notebook(cells=[new_code_cell('db = "pg://u:pw!x@h/d"', outputs=[out])])
    >>> clean = scrub_notebook(nb, ["pw!x"])
    >>> clean.cells[0].source, clean.cells[0].outputs[0].text
    ('db = "pg://u:***@h/d"', 'login u:*** failed\\n')
    >>> nb.cells[0].source  # the input is not modified
    'db = "pg://u:pw!x@h/d"'
    """
    forms = _secret_forms(secrets)
    return nbformat.from_dict(_scrub(nb, forms)) if forms else copy.deepcopy(nb)


def _is_env(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("env:")


def _string_leaves(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _string_leaves(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _string_leaves(item)


def _url_passwords(value: str | None) -> list[str]:
    if not value or "://" not in value:
        return []
    try:
        url = make_url(value)
    except (ArgumentError, ValueError, TypeError):
        return []
    found = [str(url.password)] if url.password else []
    raw = _URL_PASSWORD.search(value)
    if raw and url.password:
        found.append(raw.group(1))
    for key, item in url.query.items():
        if _SECRET_NAME.search(key):
            found.extend([item] if isinstance(item, str) else list(item))
    return found


def _mask_value(value: Any, secrets: Sequence[str]) -> Any:
    if isinstance(value, str):
        if _url_passwords(value):
            value = mask_url(value)
        return scrub_text(value, list(secrets))
    if isinstance(value, Mapping):
        return {k: _mask_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v, secrets) for v in value]
    return value


def _secret_forms(secrets: Sequence[str]) -> list[str]:
    """Each secret plus its HTML-escaped forms, longest first (so a secret containing another goes first)."""
    forms = {form for s in secrets if s for form in (s, html.escape(s), html.escape(s, quote=False))}
    return sorted(forms, key=len, reverse=True)


def _scrub_str(text: str, forms: list[str]) -> str:
    clean = scrub_text(text, forms)
    if "\x1b" in clean:
        plain = _ANSI.sub("", clean)
        scrubbed_plain = scrub_text(plain, forms)
        if scrubbed_plain != plain:  # a secret split by colour codes: give up the colours of this string
            return scrubbed_plain
    return clean


def _scrub(obj: Any, forms: list[str]) -> Any:
    if isinstance(obj, str):
        return _scrub_str(obj, forms)
    if isinstance(obj, Mapping):
        return {
            key: value if key == "attachments" or _BINARY_MIME.match(str(key)) else _scrub(value, forms)
            for key, value in obj.items()
        }
    if isinstance(obj, list):
        return [_scrub(item, forms) for item in obj]
    return obj


# ----------------------------------------------------------------------------------------------------
# Executing and rendering


def render_html(nb: NotebookNode, *, with_code: bool = False, title: str = "") -> str:
    """Render an executed notebook to standalone HTML with nbconvert's ``lab`` template.

    Results only by default: no code, no prompts, and the ``injected-parameters`` cell removed. Outputs
    (including errors and tracebacks) stay, and figures are inlined as ``data:`` URIs. ``with_code=True``
    keeps every code cell with its prompts. Scrub the notebook first: this function does not.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set() if with_code else {INJECTED_TAG}
    config.HTMLExporter.exclude_input = not with_code
    config.HTMLExporter.exclude_input_prompt = not with_code
    config.HTMLExporter.exclude_output_prompt = not with_code
    exporter = HTMLExporter(config=config)
    with warnings.catch_warnings():  # an output with no HTML-able mime type is simply not shown
        warnings.filterwarnings("ignore", message="Your element with mimetype", category=UserWarning)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _kernel_of(path: Path) -> str:
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return "python3"
    return str(nb.metadata.get("kernelspec", {}).get("name") or "python3")


def _kernel_arguments(kernel_name: str) -> list[str]:
    """Silence an ipykernel's own log (its "running over TCP without encryption" warning on our stderr)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    except Exception:  # unknown kernel: papermill reports it
        return []
    return ["--IPKernelApp.log_level=ERROR"] if any("ipykernel" in arg for arg in argv) else []


def _execute(
    src: Path, parameters: dict[str, Any], kernel_name: str, progress: bool
) -> tuple[NotebookNode, str | None]:
    """Run ``src`` under papermill in a private temporary folder; return (notebook, error or None).

    A failing cell yields papermill's notebook (error banner and traceback included) and ``ename: evalue``.
    Any other failure (kernel would not start, died, timed out) yields whatever papermill saved, or the source
    notebook, with a markdown cell on top saying what happened.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with tempfile.TemporaryDirectory(prefix="maat-nb-run-") as tmp:
        out = Path(tmp) / src.name
        try:
            nb = pm.execute_notebook(
                str(src),
                str(out),
                parameters=parameters,
                kernel_name=kernel_name,
                progress_bar=progress,
                cwd=str(src.parent),
                extra_arguments=_kernel_arguments(kernel_name),
            )
            return nb, None
        except PapermillExecutionError as exc:
            return nbformat.read(out, as_version=4), f"{exc.ename}: {exc.evalue}"
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}".strip()
            nb = nbformat.read(out if out.exists() else src, as_version=4)
            banner = nbformat.v4.new_markdown_cell(f"**The run failed before it finished.**\n\n    {error}")
            banner.metadata["tags"] = ["papermill-error-cell-tag"]
            nb.cells.insert(0, banner)
            return nb, error


def _mask_papermill_metadata(nb: NotebookNode, masked: dict[str, Any], kernel_name: str) -> None:
    """Put the masked parameters into ``metadata.papermill.parameters`` and the injected cell (in place).

    Scrubbing already removed string secrets; this also hides non-string values of secret-named parameters.
    """
    if not masked:
        return
    nb.metadata.setdefault("papermill", {})["parameters"] = masked
    try:
        from papermill.translators import translate_parameters

        language = str(nb.metadata.get("kernelspec", {}).get("language") or "python")
        source = translate_parameters(kernel_name, language, masked, "Parameters")
    except Exception:  # no translator for this kernel: the scrubbed cell stays as it is
        return
    for cell in nb.cells:
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            cell.source = source


def _run(
    src: Path,
    parameters: dict[str, Any],
    *,
    out_dir: Path,
    with_code: bool,
    kernel_name: str | None,
    progress: bool,
) -> Report:
    """Execute, scrub, render and index one run; never raises for a failing notebook (status ``failed``)."""
    secrets = secrets_of(parameters)
    masked = mask_parameters(parameters, secrets)
    forms = _secret_forms(secrets)
    started = datetime.now().astimezone()
    clock = time.monotonic()
    base = reserve(out_dir, src.stem, started)
    ipynb, page = base.with_name(base.name + ".ipynb"), base.with_name(base.name + ".html")

    def sidecar(status: str, error: str | None) -> Sidecar:
        return Sidecar(
            name=src.stem,
            report=base.name,
            status=status,
            started=started,
            source=str(src),
            error=error,
            parameters=masked,
            seconds=round(time.monotonic() - clock, 3),
            with_code=with_code,
        )

    write_sidecar(base, sidecar("running", None))
    try:
        kernel = kernel_name or _kernel_of(src)
        raw, error = _execute(src, parameters, kernel, progress)
        error = _scrub_str(error, forms) if error else None
        nb = scrub_notebook(raw, secrets)
        _mask_papermill_metadata(nb, masked, kernel)
        nbformat.write(nb, ipynb)
        title = f"{src.stem} {started:%Y-%m-%d %H:%M:%S}"
        body = render_html(nb, with_code=with_code, title=title)
        page.write_text(_scrub_str(body, forms), encoding="utf-8")
    except BaseException as exc:  # a bug or Ctrl-C: do not leave the run "running" in the index
        write_sidecar(base, sidecar("failed", _scrub_str(f"{type(exc).__name__}: {exc}", forms)))
        write_index(out_dir)
        raise
    status: Literal["ok", "failed"] = "failed" if error else "ok"
    car = sidecar(status, error)
    write_sidecar(base, car)
    write_index(out_dir)
    return Report(
        name=src.stem,
        notebook_path=ipynb,
        html_path=page,
        status=status,
        error=error,
        parameters=masked,
        started=started,
        seconds=car.seconds or 0.0,
    )


# ----------------------------------------------------------------------------------------------------
# Public entry points


def run_notebook(
    notebook: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    out_dir: str | Path = "reports",
    with_code: bool = False,
    kernel_name: str | None = None,
    progress: bool = True,
) -> Report:
    """Execute a notebook with papermill; write its scrubbed ``.ipynb``, HTML report, sidecar and the index.

    Args:
        notebook: A path to an ``.ipynb`` or the name of a kit notebook (see :func:`notebook_path`).
        parameters: Values for the notebook's ``parameters`` cell (a URL may be ``env:NAME``).
        out_dir: The report folder; reports go to ``<out_dir>/<YYYY-MM-DD>/<notebook>-<HHMMSS>.*``.
        with_code: Show code cells (and prompts) in the HTML; by default it shows results only.
        kernel_name: Kernel to run; default the notebook's own kernelspec (``python3`` if it has none).
        progress: Show papermill's progress bar on stderr.

    Returns:
        The :class:`Report` (status ``ok``).

    Raises:
        NotFoundError: no such notebook.
        ReportError: a cell failed (or the kernel did). The failed report was still written, scrubbed, with
            the error visible in the HTML; the message names the exception, ``html``/``notebook`` the files.
    """
    report = _run(
        notebook_path(notebook),
        dict(parameters or {}),
        out_dir=Path(out_dir),
        with_code=with_code,
        kernel_name=kernel_name,
        progress=progress,
    )
    if report.status == "failed":
        raise ReportError(
            f"Notebook {report.name!r} failed: {report.error}. Report: {report.html_path}",
            html=str(report.html_path),
            notebook=str(report.notebook_path),
        )
    return report


def run_all(
    parameters: dict[str, Any] | None = None,
    *,
    out_dir: str | Path = "reports",
    progress: bool = True,
    notebooks: Iterable[str | Path] | None = None,
) -> list[Report]:
    """Run every kit notebook (or the given ones) in name order; one failure does not stop the others.

    Each notebook receives only the parameters its ``parameters`` cell declares, so one set of values (say
    ``db`` and ``table``) can serve notebooks that take different parameters.

    Failures are *returned*, not raised: the result holds one :class:`Report` per notebook, failed ones with
    ``status == "failed"`` and ``error`` set (their reports and the index are written like any other). Callers
    decide what a failure means, e.g. ``if any(not r.ok for r in reports): exit 1``.

    Args:
        parameters: Values offered to every notebook.
        out_dir: The report folder.
        progress: Show papermill's progress bar on stderr.
        notebooks: Names or paths to run instead of :func:`list_notebooks`.

    Raises:
        NotFoundError: a name in ``notebooks`` does not exist (checked before anything runs).
        ConfigError: a parameter is declared by none of the notebooks (checked before anything runs).
    """
    import papermill as pm

    paths = [notebook_path(n) for n in notebooks] if notebooks is not None else list_notebooks()
    offered = dict(parameters or {})
    declared = {path: set(pm.inspect_notebook(str(path))) for path in paths}
    unused = sorted(set(offered) - set().union(*declared.values()))
    if paths and unused:
        known = sorted(set().union(*declared.values()))
        raise ConfigError(
            f"Parameter(s) {', '.join(unused)} declared by none of the notebooks "
            f"(they take: {', '.join(known) or 'nothing'}).",
            fix="Check the spelling, or run the notebook that takes it with run_notebook.",
        )
    return [
        _run(
            path,
            {k: v for k, v in offered.items() if k in declared[path]},
            out_dir=Path(out_dir),
            with_code=False,
            kernel_name=None,
            progress=progress,
        )
        for path in paths
    ]
