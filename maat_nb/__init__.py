"""maat-nb: a Jupyter notebook kit for database specialists.

In a notebook::

    import maat_nb as mn
    profile = await mn.profile("sqlite+aiosqlite:///shop.db")
    mn.findings_frame(profile)
"""

from maat_nb.catalog import Catalog, read_catalog
from maat_nb.engines import Target, create_engine, mask_url, open_engine, read_only, resolve
from maat_nb.errors import ConfigError, ConnectError, MaatError, NotFoundError, ReportError, UrlError
from maat_nb.notebook import profile_summary, setup_notebook, show_findings
from maat_nb.plots import plot_distributions, plot_index_sizes, plot_null_fractions, plot_sizes
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

__version__ = "0.1.0"

__all__ = [
    "Catalog",
    "ConfigError",
    "ConnectError",
    "Finding",
    "MaatError",
    "NotFoundError",
    "Profile",
    "ReportError",
    "Target",
    "UrlError",
    "__version__",
    "columns_frame",
    "create_engine",
    "findings_frame",
    "indexes_frame",
    "lint",
    "mask_url",
    "open_engine",
    "plot_distributions",
    "plot_index_sizes",
    "plot_null_fractions",
    "plot_sizes",
    "profile",
    "profile_summary",
    "read_catalog",
    "read_only",
    "resolve",
    "setup_notebook",
    "show_findings",
    "tables_frame",
    "to_json",
]
