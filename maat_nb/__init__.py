"""maat-nb: a Jupyter notebook kit for database specialists.

In a notebook::

    import maat_nb as mn
    profile = await mn.profile("sqlite+aiosqlite:///shop.db")
    mn.findings_frame(profile)
    result = mn.digest_logs(["slow.log", "slow.log.1.gz"])
    mn.classes_frame(result, top=20)
"""

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
    "capture",
    "classes_frame",
    "columns_frame",
    "create_engine",
    "digest_logs",
    "digest_summary",
    "files_frame",
    "findings_frame",
    "indexes_frame",
    "lint",
    "load_frame",
    "mask_url",
    "n_plus_one_frame",
    "open_engine",
    "plot_distributions",
    "plot_index_sizes",
    "plot_latency",
    "plot_load",
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
    "show_n_plus_one",
    "tables_frame",
    "to_json",
]
