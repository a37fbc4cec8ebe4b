"""maat-nb: a Jupyter notebook kit for database specialists."""

from maat_nb.engines import Target, create_engine, mask_url, open_engine, read_only, resolve
from maat_nb.errors import ConfigError, ConnectError, MaatError, NotFoundError, ReportError, UrlError

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "ConnectError",
    "MaatError",
    "NotFoundError",
    "ReportError",
    "Target",
    "UrlError",
    "__version__",
    "create_engine",
    "mask_url",
    "open_engine",
    "read_only",
    "resolve",
]
