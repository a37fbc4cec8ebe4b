"""The one error family of maat-nb.

Every error says what went wrong, which value was wrong, and what to do about it. Errors carry their data as
attributes so that callers (the CLI, notebooks, tests) can act on them without parsing messages. No message ever
contains a password: URLs are rendered through :func:`maat_nb.engines.mask_url` before they reach an error.
"""

from __future__ import annotations


class MaatError(Exception):
    """Base class of every error raised on purpose by maat-nb.

    Attributes:
        fix: One sentence saying what the user can do about it (also part of the message).
    """

    exit_code = 1

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.fix = fix
        super().__init__(f"{message} Fix: {fix}" if fix else message)


class ConfigError(MaatError):
    """Bad usage or configuration (CLI exit code 2)."""

    exit_code = 2


class UrlError(ConfigError):
    """A database URL (or the ``env:NAME`` that should hold one) is malformed or names an unknown driver.

    Attributes:
        part: Which part of the URL is wrong: ``scheme``, ``driver``, ``env``, ``database``, ``host``.
        url: The masked URL (never the password).
    """

    def __init__(self, message: str, *, part: str, url: str, fix: str | None = None) -> None:
        self.part = part
        self.url = url
        super().__init__(message, fix=fix)


class ConnectError(MaatError):
    """The database could not be reached or refused us.

    Attributes:
        part: ``host`` (unreachable), ``credentials`` (authentication failed), ``database`` (does not exist),
            or ``server`` (any other refusal).
        url: The masked URL.
    """

    exit_code = 2

    def __init__(self, message: str, *, part: str, url: str, fix: str | None = None) -> None:
        self.part = part
        self.url = url
        super().__init__(message, fix=fix)


class NotFoundError(ConfigError):
    """A table, notebook or file named by the user does not exist.

    Attributes:
        name: What was asked for.
        known: What exists instead (possibly truncated), so the message can suggest it.
    """

    def __init__(
        self, message: str, *, name: str, known: tuple[str, ...] = (), fix: str | None = None
    ) -> None:
        self.name = name
        self.known = known
        super().__init__(message, fix=fix)


class UnsafeTargetError(ConfigError):
    """Destructive work was asked of a database the kit did not create itself."""


class ReportError(MaatError):
    """A notebook run failed; its (scrubbed) report was still written.

    Attributes:
        html: Path of the rendered HTML report.
        notebook: Path of the executed notebook.
    """

    def __init__(self, message: str, *, html: str, notebook: str) -> None:
        self.html = html
        self.notebook = notebook
        super().__init__(message)
