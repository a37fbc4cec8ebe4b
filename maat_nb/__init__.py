"""maat-nb: a Jupyter notebook kit for database specialists.

In a notebook::

    import maat_nb as mn
    profile = await mn.profile("sqlite+aiosqlite:///shop.db")
    mn.findings_frame(profile)
    result = mn.digest_logs(["slow.log", "slow.log.1.gz"])
    mn.classes_frame(result, top=20)
"""

import importlib
from typing import TYPE_CHECKING, Any

# Names are imported on first use (PEP 562): `maat-nb digest` or a worker process does not pay for pandas and
# matplotlib, which only the notebook helpers need.
_EXPORTS = {
    "show_migration_advice": "maat_nb.notebook",
    "migration_summary": "maat_nb.notebook",
    "plot_migration_times": "maat_nb.plots",
    "forecast_frame": "maat_nb.migrations.frames",
    "steps_frame": "maat_nb.migrations.frames",
    "BenchResult": "maat_nb.migrations.runner",
    "bench_migrations": "maat_nb.migrations.runner",
    "Catalog": "maat_nb.catalog",
    "ConfigError": "maat_nb.errors",
    "ConnectError": "maat_nb.errors",
    "Digest": "maat_nb.querylog.digest",
    "Finding": "maat_nb.profiling",
    "FormatError": "maat_nb.querylog.read",
    "LogDigest": "maat_nb.querylog.read",
    "MaatError": "maat_nb.errors",
    "NPlusOne": "maat_nb.querylog.nplusone",
    "NotFoundError": "maat_nb.errors",
    "Profile": "maat_nb.profiling",
    "QueryClass": "maat_nb.querylog.digest",
    "ReportError": "maat_nb.errors",
    "Target": "maat_nb.engines",
    "UrlError": "maat_nb.errors",
    "capture": "maat_nb.querylog.capture",
    "classes_frame": "maat_nb.querylog.frames",
    "columns_frame": "maat_nb.profiling",
    "create_engine": "maat_nb.engines",
    "digest_logs": "maat_nb.querylog.read",
    "digest_summary": "maat_nb.notebook",
    "files_frame": "maat_nb.querylog.frames",
    "findings_frame": "maat_nb.profiling",
    "indexes_frame": "maat_nb.profiling",
    "lint": "maat_nb.profiling",
    "load_frame": "maat_nb.querylog.frames",
    "mask_url": "maat_nb.engines",
    "n_plus_one_frame": "maat_nb.querylog.frames",
    "open_engine": "maat_nb.engines",
    "plot_distributions": "maat_nb.plots",
    "plot_index_sizes": "maat_nb.plots",
    "plot_latency": "maat_nb.plots",
    "plot_load": "maat_nb.plots",
    "plot_null_fractions": "maat_nb.plots",
    "plot_sizes": "maat_nb.plots",
    "plot_time_share": "maat_nb.plots",
    "profile": "maat_nb.profiling",
    "profile_summary": "maat_nb.notebook",
    "read_catalog": "maat_nb.catalog",
    "read_only": "maat_nb.engines",
    "resolve": "maat_nb.engines",
    "setup_notebook": "maat_nb.notebook",
    "show_examples": "maat_nb.notebook",
    "show_findings": "maat_nb.notebook",
    "show_n_plus_one": "maat_nb.notebook",
    "tables_frame": "maat_nb.profiling",
    "to_json": "maat_nb.profiling",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'maat_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
    from maat_nb.catalog import Catalog, read_catalog
    from maat_nb.engines import Target, create_engine, mask_url, open_engine, read_only, resolve
    from maat_nb.errors import ConfigError, ConnectError, MaatError, NotFoundError, ReportError, UrlError
    from maat_nb.notebook import (
        digest_summary,
        profile_summary,
        setup_notebook,
        show_examples,
        show_findings,
        show_n_plus_one,
    )
    from maat_nb.plots import (
        plot_distributions,
        plot_index_sizes,
        plot_latency,
        plot_load,
        plot_null_fractions,
        plot_sizes,
        plot_time_share,
    )
    from maat_nb.profiling import (
        Finding,
        Profile,
        columns_frame,
        findings_frame,
        indexes_frame,
        lint,
        profile,
        tables_frame,
        to_json,
    )
    from maat_nb.querylog.capture import capture
    from maat_nb.querylog.digest import Digest, QueryClass
    from maat_nb.querylog.frames import classes_frame, files_frame, load_frame, n_plus_one_frame
    from maat_nb.querylog.nplusone import NPlusOne
    from maat_nb.querylog.read import FormatError, LogDigest, digest_logs

__version__ = "0.1.0"

__all__ = [
    "BenchResult",
    "Catalog",
    "ConfigError",
    "ConnectError",
    "Digest",
    "Finding",
    "FormatError",
    "LogDigest",
    "MaatError",
    "NPlusOne",
    "NotFoundError",
    "Profile",
    "QueryClass",
    "ReportError",
    "Target",
    "UrlError",
    "__version__",
    "bench_migrations",
    "capture",
    "classes_frame",
    "columns_frame",
    "create_engine",
    "digest_logs",
    "digest_summary",
    "files_frame",
    "findings_frame",
    "forecast_frame",
    "indexes_frame",
    "lint",
    "load_frame",
    "mask_url",
    "migration_summary",
    "n_plus_one_frame",
    "open_engine",
    "plot_distributions",
    "plot_index_sizes",
    "plot_latency",
    "plot_load",
    "plot_migration_times",
    "plot_null_fractions",
    "plot_sizes",
    "plot_time_share",
    "profile",
    "profile_summary",
    "read_catalog",
    "read_only",
    "resolve",
    "setup_notebook",
    "show_examples",
    "show_findings",
    "show_migration_advice",
    "show_n_plus_one",
    "steps_frame",
    "tables_frame",
    "to_json",
]
