"""Query fingerprints: a statement's normalized class text, so executions that differ only in literals group together.

:func:`fingerprint` turns ``SELECT * FROM Users WHERE id = 42`` into ``select * from users where id = ?``;
:func:`class_id` gives the class a short stable id; :func:`tables_of` lists the tables a statement touches (once per
class, with sqlglot); :func:`statement_kind` says whether it is a select, an insert, DDL...

How a fingerprint is made: one compiled tokenizer (``findall``, possessive patterns, so linear time and no
catastrophic backtracking), one lookup per token in a per-dialect table that gives the token's text for each kind
of token before it (so spacing, sign folding and ``IS NULL`` cost nothing extra), then a few linear regex
clean-ups on the result. About 150,000 statements of ~120 characters per second on one core. A long multi-row
INSERT has its literal-only rows after the first cut before tokenizing (they would collapse anyway), so a 1 MB
mysqldump INSERT takes about 10 ms. The rules:

* Literals become ``?``: quoted strings (``'O''Brien'``, ``'it\\'s'`` where the dialect has backslash escapes),
  ``E'..'``, ``N'..'``, ``X'..'``, ``B'..'``, charset introducers (``_utf8mb4'..'``), PostgreSQL ``$$..$$`` and
  ``$tag$..$tag$``, numbers (``42``, ``.5``, ``1.5e10``, ``0x1F``, ``0b101``; also ``GROUP BY 1``, as pt does),
  ``true``/``false``, ``NULL`` and the placeholders ``?``, ``$1``, ``%s``, ``%(name)s``, ``:name`` (not
  ``::type`` casts; SQLite's ``?1``, ``@name``, ``$name`` too). A sign in front of a number
  or a placeholder, where it cannot be a binary operator (after an operator, ``(``, ``,`` or a keyword), is folded
  into it: ``x = -5`` and ``x = 5`` are one class.
* ``NULL``, ``TRUE`` and ``FALSE`` stay after ``IS`` and ``NOT`` (``a IS NULL`` is a different query from
  ``a = ?``; ``col INT NOT NULL`` keeps its meaning).
* Names: unquoted ones are lower-cased (as PostgreSQL folds them) and keep their digits (``t1``, ``users_2009``,
  ``db2.t1``, ``utf8mb4``). Backtick-quoted names, and double-quoted ones outside MySQL, are names: the quotes
  go when the name is a plain lower-case identifier that is not a reserved word, so a backticked ``users`` and
  a bare one are equal; other names are written ``"MyTable"``. MySQL and SQLite compare names without case, so there quoted
  names are lower-cased too; PostgreSQL's ``"MyTable"`` keeps its case. In MySQL a double-quoted text is a
  string. With no dialect, a double-quoted text is taken as a name where a name is expected (after ``.``,
  ``FROM``, ``JOIN``, ``SELECT``, ``AS``, before ``.``, ``=``, ``AS``...) and as a string elsewhere: a guess,
  so pass the dialect when it is known.
* Comments go: ``/* */`` (MySQL ``/*!40001 SQL_NO_CACHE */`` executable comments and ``/*+ hints */`` too, so
  ``SHOW /*!50002 GLOBAL */ STATUS`` groups with ``SHOW STATUS``), ``-- ...`` (in MySQL only when a space
  follows, as the server reads it: ``5--1`` is ``5 - -1``), ``# ...`` in MySQL, and with no dialect when a space
  or the end follows (PostgreSQL's ``#>`` operators stay).
* Spacing is rebuilt from the tokens: one space between tokens, none before ``,`` ``)`` ``]`` ``.`` ``::``
  ``;``, none after ``(`` ``[`` ``.`` ``::``, none between a function (or table) name and its ``(``, but one
  between a keyword and its ``(`` (``in (``, ``values (``, ``exists (``). A trailing ``;`` goes; keywords are
  lower-cased. ``ASC`` is dropped (it is the default order), ``DESC`` kept.
* Lists collapse whatever their length: ``in (?+)`` (also lists of tuples and of placeholders), ``values (?+)``
  for any number of literal rows (``VALUE`` is written ``values``), ``array[?+]``, ``call proc(?+)``. Runs of
  identical ``UNION`` arms collapse to one arm followed by ``/*repeat union*/`` (or ``union all``).
* ``LIMIT ?, ?`` is written ``limit ? offset ?`` (the same query); ``LIMIT ?`` stays apart from it, since deep
  offsets are a query shape of their own.
* ``administrator command: ...`` is returned as it is; ``use db`` is ``use ?``.

Deliberately not done: no parsing (the tokenizer knows tokens, not grammar, so a keyword used as a column name is
still spaced like a keyword), no nested ``/* /* */ */`` comments, no rewriting of ``BEGIN; UPDATE ...`` into
separate statements (the whole text is one class), and no pt-query-digest compatibility: pt's class texts differ
(``d?t?`` for ``db2.t1``, ``is ?`` for ``is null``, ``mysqldump``/``call foo`` special cases). sqlglot is used by
:func:`tables_of` only, never in :func:`fingerprint`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

__all__ = ["DIALECTS", "class_id", "fingerprint", "statement_kind", "tables_of"]

DIALECTS = (None, "mysql", "postgresql", "sqlite")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that stay quoted when they are quoted (a bare one would read as a keyword), and after which a sign is
# unary. Roughly the union of MySQL's and PostgreSQL's reserved words that matter in DML.
_RESERVED = _words(
    """
    accessible add all alter analyze and any array as asc asensitive asymmetric before between bigint binary
    blob both by call cascade case cast change char character check collate column condition constraint
    continue convert create cross cube current_catalog current_date current_role current_time
    current_timestamp current_user cursor database databases day_hour day_microsecond day_minute day_second
    dec decimal declare default deferrable delayed delete desc describe deterministic distinct distinctrow div
    do double drop dual each else elseif enclosed end escaped except exists exit explain false fetch float for
    force foreign freeze from full fulltext function generated get grant group grouping groups having
    high_priority hour_microsecond hour_minute hour_second if ignore ilike in index infile initially inner
    inout insensitive insert int integer intersect interval into is isnull iterate join key keys kill lateral
    leading leave left like limit linear lines load localtime localtimestamp lock long loop low_priority match
    minute_microsecond minute_second mod modifies natural not notnull no_write_to_binlog null numeric offset
    on only optimize option optionally or order out outer outfile over partition placing precision primary
    procedure range read reads real recursive references regexp release rename repeat replace require
    resignal restrict return returning revoke right rlike row rows schema schemas select sensitive separator
    session_user set show signal similar smallint some spatial specific sql sql_big_result
    sql_calc_found_rows sql_small_result sqlexception sqlstate sqlwarning ssl starting stored straight_join
    symmetric system_user table tablesample terminated then to trailing trigger true undo union unique unlock
    unsigned update usage use user using utc_date utc_time utc_timestamp values varbinary varchar varcharacter
    variadic varying verbose virtual when where while window with write xor year_month zerofill
    """
)
# Reserved words that are mostly function or type names: written glued to their "(" like any function.
_FUNCTION_LIKE = _words(
    """array cast char convert database grouping if insert isnull left mod repeat replace right row schema user
    bigint binary blob character dec decimal double float int integer long numeric real smallint varbinary varchar
    varcharacter"""
)

_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*\Z")

# What the previous token leaves for the next one. A token's entry gives, for each of these kinds, the text to
# emit and the kind it leaves, so the loop is one lookup and one append per token. The _U* kinds are a unary
# sign not yet written (glued or spaced, minus or plus): a literal that follows swallows it, anything else writes
# it first.
_N = 11
_GLUE, _WORD, _CLOSE, _KW, _IS, _NOT, _OP, _UGM, _UGP, _USM, _USP = range(_N)
_SIGN_TEXT = {_UGM: "-", _UGP: "+", _USM: " -", _USP: " +"}
_Entry = tuple[Any, ...]  # _N texts, then _N kinds


def _make(text: Callable[[int], str], kind: Callable[[int], int]) -> _Entry:
    return tuple(text(p) for p in range(_N)) + tuple(kind(p) for p in range(_N))


def _spaced(x: str, kind: int) -> _Entry:
    """A token written after a space (words, operators), leaving ``kind``."""
    return _make(
        lambda p: x if p == _GLUE else " " + x if p < _UGM else _SIGN_TEXT[p] + " " + x, lambda p: kind
    )


def _glued(x: str, kind: int) -> _Entry:
    """A token written without a space before it: ``,`` ``)`` ``]`` ``.`` ``::`` ``;``."""
    return _make(lambda p: x if p < _UGM else _SIGN_TEXT[p] + x, lambda p: kind)


def _sign(minus: bool) -> _Entry:
    glued_kind, spaced_kind, x = (_UGM, _USM, "-") if minus else (_UGP, _USP, "+")

    def text(p: int) -> str:
        if p in (_WORD, _CLOSE):
            return " " + x  # binary
        return _SIGN_TEXT[p] if p >= _UGM else ""  # unary: held back

    def kind(p: int) -> int:
        if p == _GLUE:
            return glued_kind
        return _OP if p in (_WORD, _CLOSE) else spaced_kind

    return _make(text, kind)


def _literal_text(p: int) -> str:
    return "?" if p in (_GLUE, _UGM, _UGP) else " ?"


_LITERAL = _make(_literal_text, lambda p: _CLOSE)
_COMMENT = _make(lambda p: "", lambda p: p)
_STATIC: dict[str, _Entry] = {
    ",": _glued(",", _OP),
    ")": _glued(")", _CLOSE),
    "]": _glued("]", _CLOSE),
    ".": _glued(".", _GLUE),
    "::": _glued("::", _GLUE),
    ";": _glued(";", _OP),
    "(": _make(
        lambda p: ("(" if p <= _WORD else " (") if p < _UGM else _SIGN_TEXT[p] + " (", lambda p: _GLUE
    ),
    "[": _make(lambda p: ("[" if p < _KW else " [") if p < _UGM else _SIGN_TEXT[p] + " [", lambda p: _GLUE),
    "-": _sign(True),
    "+": _sign(False),
}


def _word(w: str) -> _Entry:
    """The entry of an unquoted word, already lower-cased."""
    if w in ("null", "true", "false"):  # literals, except after IS / NOT
        return _make(lambda p: " " + w if p in (_IS, _NOT) else _literal_text(p), lambda p: _CLOSE)
    if w == "asc":  # dropped (the default order), except as a name after a dot
        return _make(lambda p: w if p == _GLUE else "", lambda p: _WORD if p == _GLUE else p)
    if w == "is":
        return _spaced(w, _IS)
    if w == "not":
        return _spaced(w, _NOT)
    return _spaced(w, _KW if w in _RESERVED and w not in _FUNCTION_LIKE else _WORD)


_CACHE_MAX = 20_000

# None-dialect guess: a double-quoted text is a name after these words or before these tokens.
_NAME_AFTER = _words(
    "select distinct from join into update table as by where and or on set returning using index view when"
)
_NAME_BEFORE = _words("= <> != < > <= >= <=> is in like ilike between as asc desc not from")
_STRING_AFTER = _words("= <> != < > <= >= <=> like ilike then else || + - * /")
_LIST_KEYWORDS = frozenset(("values", "value", "in"))
_NAME_LIST_KEYWORDS = _words("select by into distinct returning using partition")

_CHARSETS = (
    "armscii8|ascii|big5|binary|cp1250|cp1251|cp1256|cp1257|cp850|cp852|cp866|cp932|dec8|eucjpms|euckr|"
    "gb18030|gb2312|gbk|geostd8|greek|hebrew|hp8|keybcs2|koi8r|koi8u|latin1|latin2|latin5|latin7|macce|"
    "macroman|sjis|swe7|tis620|ucs2|ujis|utf16le|utf16|utf32|utf8mb3|utf8mb4|utf8"
)
_STR_BS = r"'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'?"  # backslash escapes and doubled quotes
_STR_STD = r"'[^']*+(?:''[^']*+)*+'?"  # SQL standard: doubled quotes only
_DQ_STR = r'"[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+"?'
_DQ_NAME = r'"[^"]*+(?:""[^"]*+)*+"?'
_BQ_NAME = r"`[^`]*+(?:``[^`]*+)*+`?"
_NUMBER = r"(?:0[xX][0-9a-fA-F]++|0[bB][01]++|(?:\d++(?:\.\d*+)?|\.\d++)(?:[eE][-+]?\d++)?)(?![\w$])"
_NUMBER_FULL = re.compile(_NUMBER + r"\Z")
_OPERATORS = (
    r"<=>|<>|!=|<=|>=|<<|>>|\|\|/?|&&|::|:=|->>?|#>>?|#-|@>|<@|@@|!~~?\*?|~~?\*?|\^@|<->|-\|-|&<|&>|<<\||\|>>"
)


class _Dialect:
    """A dialect's tokenizer and its cache of token entries (words, names, operators; never literals)."""

    def __init__(self, dialect: str | None) -> None:
        self.name = dialect
        self.mysql = dialect == "mysql"
        self.fold = dialect in ("mysql", "sqlite")  # quoted names compare without case
        self.guess = dialect is None
        self.sqlite = dialect == "sqlite"
        self.pg = dialect == "postgresql"
        self.lexer = self._pattern(tagged=False)
        self.tagged = None if self.mysql else self._pattern(tagged=True)
        self.cache: dict[str, _Entry] = dict(_STATIC)

    def _pattern(self, *, tagged: bool) -> re.Pattern[str]:
        """The tokenizer: ``findall`` gives the tokens (and comments); the cheap common cases come first.

        Whitespace is skipped possessively, so nothing backtracks; an empty last token stands for the end, so
        trailing whitespace is not re-scanned from each of its characters.
        """
        plain = _STR_STD if self.name in ("postgresql", "sqlite") else _STR_BS
        alts = [
            r"[a-zA-Z][\w$]*+(?:\.[a-zA-Z_][\w$]*+)*+(?!'|&')",
            r"[(),=*;]|\.(?!\d)",
            plain,
            _NUMBER + r"|\d[\w$]*+",
            r"\?\d*+|\$\d++",
            r"[eE]" + _STR_BS,
            r"(?:[nNxXbB]|[uU]&|(?i:_(?:" + _CHARSETS + r"))\s*+)" + plain,
            _DQ_STR if self.mysql else _DQ_NAME,
            _BQ_NAME,
            r"/\*(?:.*?\*/|.*+)",
            r"--(?:[\s\x00-\x1f][^\n]*+|$)" if self.mysql else r"--[^\n]*+",
        ]
        if self.mysql:
            alts.append(r"#[^\n]*+")
        elif self.guess:
            alts.append(r"#(?=\s|$)[^\n]*+")
        if not self.mysql:
            if tagged:
                alts.append(r"\$(?P<tag>[^\W\d]\w*+)\$.*?\$(?P=tag)\$|\$[^\W\d]\w*+\$.*+")
            alts.append(r"\$\$.*?\$\$|\$\$.*+")
        alts += [r"%(?:\([^()]*+\))?s(?![\w$])", r":[^\W\d][\w$]*+|:\d++"]
        alts.append(r"[@$][^\W\d][\w$]*+" if self.sqlite else r"@@?[\w$]++(?:\.[\w$]++)*+")
        alts += [r"[^\W\d][\w$]*+", _OPERATORS, r"\S"]
        return re.compile(rf"\s*+(?:({'|'.join(alts)})|\Z)", re.S)

    def tokens(self, sql: str) -> list[str]:
        """The tokens of a statement (comments included, whitespace not)."""
        if self.tagged is not None and "$" in sql and _DOLLAR_TAG.search(sql):
            toks = [t for t, _ in self.tagged.findall(sql)]
        else:
            if len(sql) > _LONG:
                sql = _cut_rows(sql, self)
            toks = self.lexer.findall(sql)
        while toks and not toks[-1]:
            toks.pop()  # the empty matches at the end
        return toks

    def classify(self, t: str) -> _Entry:
        """The entry of a token not in the cache; words, names and operators are cached, literals not."""
        c = t[0]
        if c == "'" or c == "?":
            return _LITERAL
        if c.isdigit():
            if t.isdigit() or _NUMBER_FULL.match(t) or (self.pg and t.replace("_", "").isdigit()):
                return _LITERAL
            return self._store(t, _word(t.lower()))
        if c.isalpha() or c == "_":
            if "'" in t:  # a prefixed string: E'..', N'..', X'..', _utf8mb4'..'
                return _LITERAL
            return self._store(t, _word(t.lower()))
        if c == '"':
            if self.mysql:
                return _LITERAL
            return self._store(t, _spaced(_name(t, '"', self.fold), _WORD))
        if c == "`":
            return self._store(t, _spaced(_name(t, "`", not self.pg), _WORD))
        if len(t) > 1:
            if c == "$" or c == "%" or c == "." or (c == ":" and t[1] != ":" and t[1] != "="):
                return _LITERAL
            if c == "@":
                return _LITERAL if self.sqlite else self._store(t, _word(t.lower()))
            if t.startswith("/*") or t.startswith("--") or (c == "#" and (self.mysql or t[1].isspace())):
                return _COMMENT
        elif c == "#" and self.mysql:
            return _COMMENT
        return self._store(t, _spaced(t, _OP))

    def _store(self, t: str, entry: _Entry) -> _Entry:
        if len(self.cache) >= _CACHE_MAX:
            self.cache.clear()
            self.cache.update(_STATIC)
        self.cache[t] = entry
        return entry


_DOLLAR_TAG = re.compile(r"\$[^\W\d]\w*\$")

_IN_LIST = re.compile(r"\bin \((?:\?|\((?:\?, )*+\?\))(?:, (?:\?|\((?:\?, )*+\?\)))*+\)")
_VALUES_LIST = re.compile(r"\bvalues? ?\((?:\?, )*+\?\)(?:, \((?:\?, )*+\?\))*+")
_ARRAY_LIST = re.compile(r"\barray\[(?:\?, )*+\?\]")
_CALL_ARGS = re.compile(r"\A(call [^\s(]+)\((?:\?, )*+\?\)")
_UNION_SPLIT = re.compile(r"\(|\)| union(?: all| distinct)? ")

# Fast path for huge multi-row INSERTs: literal-only rows after the first are cut before tokenizing.
_LIT = (
    r"(?:{str}|[-+]?\s*+(?:0[xX][0-9a-fA-F]++|(?:\d++(?:\.\d*+)?|\.\d++)(?:[eE][-+]?\d++)?)(?![\w$])"
    r"|(?i:null|true|false)(?![\w$])|\?|\$\d++|%s)"
)
_ROW = r"\(\s*+{lit}(?:\s*+,\s*+{lit})*+\s*+\)"
_LONG = 4000


def _rows_pattern(dialect: str | None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    strings = _STR_STD if dialect in ("postgresql", "sqlite") else _STR_BS
    if dialect == "mysql":
        strings += "|" + _DQ_STR
    elif dialect is None:  # taken as strings there too: in a row of literals, before "," or ")"
        strings += "|" + _DQ_NAME
    lit = _LIT.format(str=strings)
    row = _ROW.format(lit=lit)
    return re.compile(row, re.S), re.compile(rf"(?:\s*+,\s*+{row})++", re.S)


_ROWS = {d: _rows_pattern(d) for d in DIALECTS}


def _cut_rows(sql: str, d: _Dialect) -> str:
    """For a long statement whose first VALUES row is all literals, drop the literal-only rows that follow it.

    They would all collapse into ``values (?+)`` anyway; cutting them first keeps a 1 MB INSERT fast.
    """
    depth = 0
    first_row, more_rows = _ROWS[d.name]
    for n, m in enumerate(d.lexer.finditer(sql)):
        tok = m.group(1)
        if n > 5000 or not tok:
            return sql
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif depth == 0 and tok.lower() in ("values", "value"):
            at = m.end()
            while at < len(sql) and sql[at].isspace():
                at += 1
            row = first_row.match(sql, at)
            if row is None:
                return sql
            rest = more_rows.match(sql, row.end())
            return sql if rest is None else sql[: row.end()] + sql[rest.end() :]
    return sql


def _name(text: str, quote: str, fold: bool) -> str:
    """A quoted name as the fingerprint writes it: bare if plain, else double-quoted."""
    inner = text[1:-1] if len(text) > 1 and text[-1] == quote else text[1:]
    inner = inner.replace(quote + quote, quote)
    if fold:
        inner = inner.lower()
    if _PLAIN_NAME.match(inner) and inner not in _RESERVED:
        return inner
    return '"' + inner.replace('"', '""') + '"'


_DIALECT_STATE: dict[str | None, _Dialect] = {d: _Dialect(d) for d in DIALECTS}
_DIALECT_STATE["mariadb"] = _DIALECT_STATE["mysql"]  # SQLAlchemy's and the project's other names for them
_DIALECT_STATE["postgres"] = _DIALECT_STATE["postgresql"]


def fingerprint(sql: str, dialect: str | None = None) -> str:
    """The normalized class text of a statement: literals to ``?``, names and spacing canonical, lists collapsed.

    ``dialect`` is ``"mysql"`` (or ``"mariadb"``), ``"postgresql"`` (or ``"postgres"``), ``"sqlite"`` or None
    (unknown); it decides what a double-quoted text is, whether backslashes escape in strings and which comments
    exist. Never raises on any text (an unknown dialect name is a ValueError).

    >>> fingerprint("SELECT a,b FROM t WHERE x=1 AND name='O''Brien'")
    'select a, b from t where x = ? and name = ?'
    >>> fingerprint("select * from db2.t1 where c3 in (1, 2, 3) and d is null", "mysql")
    'select * from db2.t1 where c3 in (?+) and d is null'
    >>> fingerprint('INSERT INTO "MyTable" ("id", "Name") VALUES ($1, $2), ($3, $4)', "postgresql")
    'insert into "MyTable"(id, "Name") values (?+)'
    """
    if sql.startswith("administrator command: "):
        return sql.strip()
    d = _DIALECT_STATE.get(dialect)
    if d is None:
        raise ValueError(f"unknown dialect {dialect!r}: use one of {DIALECTS}")
    toks = d.tokens(sql)
    if d.guess and '"' in sql:
        toks = _settle_double_quotes(toks)
    get = d.cache.get
    classify = d.classify
    out: list[str] = []
    ap = out.append
    prev = _GLUE
    for t in toks:
        e = get(t) or classify(t)
        ap(e[prev])
        prev = e[prev + _N]
    if prev >= _UGM:  # a sign at the very end
        ap(_SIGN_TEXT[prev])
    while out and (out[-1] == ";" or not out[-1]):
        out.pop()
    fp = "".join(out)
    if fp[:4] == "use " and len([p for p in out if p]) == 2:
        return "use ?"
    if "(?" in fp or "[?" in fp:
        if "in (" in fp:
            fp = _IN_LIST.sub("in (?+)", fp)
        if "value" in fp:
            fp = _VALUES_LIST.sub("values (?+)", fp)
        if "array[" in fp:
            fp = _ARRAY_LIST.sub("array[?+]", fp)
        if fp.startswith("call "):
            fp = _CALL_ARGS.sub(r"\1(?+)", fp)
    if "limit ?, ?" in fp:
        fp = fp.replace("limit ?, ?", "limit ? offset ?")
    if " union " in fp:
        fp = _collapse_unions(fp)
    return fp


def _settle_double_quotes(toks: list[str]) -> list[str]:
    """With no dialect, turn the double-quoted tokens that look like strings into a string token.

    A name next to a dot, after ``FROM``/``SELECT``/``WHERE``/``AS``..., before ``=``/``AS``/``IN``..., or in a
    ``SELECT``/``BY``/``INTO (...)`` list; a string after a comparison, in ``VALUES (...)``/``IN (...)`` and
    elsewhere. Comments are dropped first, so they do not change the guess.
    """
    toks = [t for t in toks if not (t.startswith(("/*", "--")) or (t[0] == "#" and t[1:2].isspace()))]
    in_list = False  # the last list keyword seen was VALUES or IN (a literal list), not SELECT, BY...
    last = ""
    for i, t in enumerate(toks):
        word = t.lower()
        if word in _LIST_KEYWORDS:
            in_list = True
        elif word in _NAME_LIST_KEYWORDS:
            in_list = False
        elif t[0] == '"':
            nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
            if not (
                last == "."
                or nxt == "."
                or (last not in _STRING_AFTER and nxt in _NAME_BEFORE)
                or last in _NAME_AFTER
                or (last in ("(", ",") and not in_list)
            ):
                toks[i] = "''"
        last = word
    return toks


def _collapse_unions(fp: str) -> str:
    """Collapse runs of identical UNION arms (at any parenthesis depth) into one arm and ``/*repeat union*/``."""
    # frames: [arms, ops, current pieces]; an explicit stack, so deep nesting cannot overflow.
    stack: list[tuple[list[str], list[str], list[str]]] = [([], [], [])]
    pos = 0
    for m in _UNION_SPLIT.finditer(fp):
        arms, ops, cur = stack[-1]
        cur.append(fp[pos : m.start()])
        pos = m.end()
        tok = m.group()
        if tok == "(":
            cur.append("(")
            stack.append(([], [], []))
        elif tok == ")":
            if len(stack) > 1:
                text = _join_arms(*stack.pop())
                stack[-1][2].append(text + ")")
            else:
                cur.append(")")
        else:
            arms.append("".join(cur))
            cur.clear()
            ops.append(tok.strip())
    stack[-1][2].append(fp[pos:])
    while len(stack) > 1:
        text = _join_arms(*stack.pop())
        stack[-1][2].append(text)
    return _join_arms(*stack[0])


def _join_arms(arms: list[str], ops: list[str], cur: list[str]) -> str:
    arms = [*arms, "".join(cur)]
    parts: list[str] = []
    i = 0
    while i < len(arms):
        j = i
        while j + 1 < len(arms) and arms[j + 1] == arms[i] and ops[j] == ops[i]:
            j += 1
        parts.append(arms[i] + (f" /*repeat {ops[i]}*/" if j > i else ""))
        if j < len(ops):
            parts.append(f" {ops[j]} ")
        i = j + 1
    return "".join(parts)


def class_id(fp: str) -> str:
    """A class's stable id: the first 16 hex digits of the md5 of its fingerprint, upper-cased.

    >>> class_id("select * from t where id = ?")
    '86A4FD498C70095E'
    """
    return hashlib.md5(fp.encode("utf-8", "surrogatepass")).hexdigest()[:16].upper()


_KIND_WORD = re.compile(r"(?:\s++|/\*(?:.*?\*/|.*+)|--[^\n]*+|#[^\n]*+|\()*+([A-Za-z]+)", re.S)
_DDL = _words("create alter drop truncate rename comment grant revoke")


def statement_kind(sql: str) -> str:
    """``select``, ``insert``, ``update``, ``delete``, ``ddl`` or ``other``, from the statement's first word.

    ``REPLACE`` counts as an insert; ``WITH ...`` is whatever its main statement is.

    >>> statement_kind("/* app */ WITH x AS (SELECT 1) UPDATE t SET a = 1")
    'update'
    >>> statement_kind("CREATE INDEX i ON t (a)"), statement_kind("SHOW STATUS")
    ('ddl', 'other')
    """
    m = _KIND_WORD.match(sql)
    if m is None:
        return "other"
    word = m.group(1).lower()
    if word == "with":
        fp = fingerprint(sql)
        depth = 0
        for tok in re.findall(r"\(|\)|[a-z_]+", fp):
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
            elif depth == 0 and tok in ("select", "insert", "update", "delete", "replace", "merge"):
                word = tok
                break
        else:
            return "select"
    if word in ("select", "insert", "update", "delete"):
        return word
    if word == "replace":
        return "insert"
    if word in ("values", "table"):
        return "select"
    return "ddl" if word in _DDL else "other"


# ---------------------------------------------------------------------------------------------------- tables_of

_SQLGLOT_DIALECTS = {
    "mysql": ("mysql",),
    "postgresql": ("postgres",),
    "sqlite": ("sqlite",),
    None: ("mysql", "postgres"),
    "mariadb": ("mysql",),
    "postgres": ("postgres",),
}
_NAME = r'(?:"(?:[^"]|"")*"|[\w$]+)'
_TABLE_AFTER = re.compile(
    rf"\b(?:from|join|into|(?<!key )update)\s+(?:table\s+)?(?:only\s+)?(?:low_priority\s+|ignore\s+|quick\s+)*"
    rf"({_NAME}(?:\.{_NAME})?)"
)
_NOT_TABLES = frozenset(_RESERVED | {"?"})
_LOAD = re.compile(r"\s*load\s+data\b", re.I)
_MAX_SQLGLOT = 20_000
_silenced = False


def tables_of(sql: str, dialect: str | None = None) -> tuple[str, ...]:
    """The tables a DML statement reads or writes, sorted and unique; ``()`` for anything else.

    CTE names and table functions are left out; ``db.table`` stays qualified as written (lower-cased unless
    quoted). Parsed with sqlglot (MySQL then PostgreSQL when the dialect is unknown); when sqlglot fails, a
    regex over the fingerprint picks the names after FROM/JOIN/INTO/UPDATE. Never raises.

    >>> tables_of("SELECT * FROM orders o JOIN Shop.Customers c ON c.id = o.customer_id", "mysql")
    ('orders', 'shop.customers')
    >>> tables_of("SET NAMES utf8")
    ()
    """
    try:
        dml = statement_kind(sql) in ("select", "insert", "update", "delete")
        if not dml and not _LOAD.match(sql):
            return ()
        if len(sql) <= _MAX_SQLGLOT:
            found = _tables_sqlglot(sql, dialect)
            if found is not None:
                return found
        return _tables_regex(sql, dialect)
    except Exception:  # a bug here must not break a report
        return ()


def _tables_sqlglot(sql: str, dialect: str | None) -> tuple[str, ...] | None:
    global _silenced
    import sqlglot
    from sqlglot import exp

    if not _silenced:
        logging.getLogger("sqlglot").setLevel(logging.ERROR)
        _silenced = True
    names_of_dml = ("Query", "Select", "Union", "SetOperation", "Insert", "Update", "Delete", "Merge")
    dml_types = tuple(t for t in (getattr(exp, n, None) for n in names_of_dml) if isinstance(t, type))
    for read in _SQLGLOT_DIALECTS.get(dialect, ("mysql", "postgres")):
        try:
            trees = sqlglot.parse(sql, read=read)
        except Exception:
            continue
        names: set[str] = set()
        dml = False
        for tree in trees:
            if tree is None:
                continue
            if not isinstance(tree, dml_types):
                continue
            dml = True
            ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
            for table in tree.find_all(exp.Table):
                ident = table.this
                if not isinstance(ident, exp.Identifier) or not ident.name:
                    continue  # a table function, unnest(...), a subquery
                parts = [p for p in (table.args.get("catalog"), table.args.get("db"), ident) if p is not None]
                if len(parts) == 1 and ident.name.lower() in ctes:
                    continue
                names.add(".".join(_ident_text(p) for p in parts))
        if dml:
            return tuple(sorted(names))
    return None


def _ident_text(node: object) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Identifier):
        return node.name if node.quoted else node.name.lower()
    return str(getattr(node, "name", node)).lower()


def _tables_regex(sql: str, dialect: str | None) -> tuple[str, ...]:
    fp = fingerprint(sql, dialect)
    names = set()
    for m in _TABLE_AFTER.finditer(fp):
        name = m.group(1)
        if name in _NOT_TABLES:
            continue
        names.add(".".join(p[1:-1].replace('""', '"') if p.startswith('"') else p for p in _split_name(name)))
    return tuple(sorted(names))


def _split_name(name: str) -> list[str]:
    return re.findall(r'"(?:[^"]|"")*"|[^."]+', name)
