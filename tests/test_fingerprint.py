"""Query fingerprints: hand-checked goldens, partition agreement with pt-query-digest on real slow logs, the pt
mistakes we fix, spacing/literal/name properties (hypothesis), robustness and linear time, and ``tables_of``.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maat_nb.querylog.digest import DigestBuilder
from maat_nb.querylog.events import QueryEvent
from maat_nb.querylog.fingerprint import (
    DIALECTS,
    class_id,
    fingerprint,
    statement_kind,
    tables_of,
)
from maat_nb.querylog.nplusone import advise

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN_FILE = FIXTURES / "fingerprint" / "maat_fingerprints.json"
GOLDEN = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))["entries"]
CORPUS = FIXTURES / "fingerprint" / "corpus"
SLOWLOGS = FIXTURES / "slowlogs"


def _read(path: Path) -> str:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="surrogateescape", newline="") as f:
        return f.read()


# --------------------------------------------------------------------------------------------------- goldens


@pytest.mark.parametrize("entry", GOLDEN, ids=[f"{e['source'].split(' ')[0]}-{e['dialect']}" for e in GOLDEN])
def test_golden(entry: dict[str, str]) -> None:
    assert fingerprint(entry["input"], entry["dialect"]) == entry["expected"]


def test_golden_covers_every_corpus_input() -> None:
    """Every input of the fingerprint corpus has a hand-checked expectation (in each dialect for the PG ones)."""
    have = {(e["input"], e["dialect"]) for e in GOLDEN}
    pairs = json.loads((CORPUS / "querywriter_t_fingerprints.json").read_text())["pairs"]
    assert len(pairs) == 51
    for pair in pairs:
        assert (pair["input"], "mysql") in have
    for name in ("normalizer_comparison.json", "pgbadger_normalize_samples.json"):
        for item in json.loads((CORPUS / name).read_text()):
            for dialect in ("postgresql", "mysql", None):
                assert (item["input"], dialect) in have
    for n in (1, 2):
        query = (CORPUS / f"pt-fingerprint-query00{n}").read_text().split("\n", 1)[1]
        assert (query, "mysql") in have


def _long_statements() -> dict[str, str]:
    """The multi-row INSERT/REPLACE statements of the slow-log fixtures, by md5 (as the corpus names them)."""
    found = {}
    for name in ("slow024.txt", "slow039.txt.gz", "slow040.txt.gz"):
        for m in re.finditer(r"^(?:INSERT|REPLACE)[\s\S]*?;\n", _read(SLOWLOGS / name), re.M):
            found[hashlib.md5(m.group().encode()).hexdigest()] = m.group()
    return found


def test_golden_full_statements_of_truncated_inputs() -> None:
    """The corpus cut its 171 KB-1.2 MB inputs; their full text is in slow024/039/040: one class each, fast."""
    full = _long_statements()
    checked = 0
    for entry in GOLDEN:
        if "expected_full" not in entry:
            continue
        sql = full[entry["input_md5"]]
        assert sql.startswith(entry["input"])
        start = time.perf_counter()
        assert fingerprint(sql, "mysql") == entry["expected_full"]
        assert time.perf_counter() - start < 1.0
        checked += 1
    assert checked == 4


# ------------------------------------------------------------------------- partitions against pt-query-digest

# Inputs where pt's class is wrong and ours differs on purpose, per golden file. Every entry must take part in a
# difference (the test fails on a stale entry), and every difference must be listed here.
PT_WRONG = {
    "issue_1604834.log.events.jsonl": {
        # pt turns digits inside names into ? (a_?), so the columns a_123 and a_124 share one class.
        "select t.a_123, count(*) from t join t t2 using(a) group by 1 order by 2 desc limit 10",
        "select t.a_124, count(*) from t join t t2 using(a) group by 1 order by 2 desc limit 10",
    },
}


def _golden_events() -> list[tuple[str, list[tuple[str, str]]]]:
    files = []
    for path in sorted((SLOWLOGS / "golden").glob("*.events.jsonl*")):
        events = []
        with (
            gzip.open(path, "rt", encoding="utf-8")
            if path.suffix == ".gz"
            else open(path, encoding="utf-8") as f
        ):
            for line in f:
                ev = json.loads(line)
                if "arg" in ev and len(ev["arg"]) < 300:  # pt's dump cut args at 300 characters
                    events.append((ev["arg"], ev["checksum"]))
        files.append((path.name, events))
    return files


def _partition(pairs: list[tuple[str, str]]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for arg, key in pairs:
        groups[key].add(arg)
    return {frozenset(g) for g in groups.values()}


def test_partitions_agree_with_pt_on_real_slow_logs() -> None:
    files = _golden_events()
    assert len(files) >= 70
    total = 0
    for name, events in files:
        total += len(events)
        theirs = _partition(events)
        ours = _partition([(arg, fingerprint(arg, "mysql")) for arg, _ in events])
        differing = set().union(*(theirs ^ ours)) if theirs != ours else set()
        assert differing == PT_WRONG.get(name, set()), (name, sorted(differing))
    assert total > 2500


# ----------------------------------------------------------------- pt's mistakes (research notes §1.6), fixed


def test_doubled_quote_is_one_string() -> None:
    a = fingerprint("select * from users where id=-7 and name='O''Brien'", "mysql")
    assert a == "select * from users where id = ? and name = ?"
    assert a == fingerprint("select * from users where id=8 and name='Smith'", "mysql")  # pt: ?'brien'


def test_digits_inside_names_are_kept() -> None:
    assert fingerprint("SELECT * FROM db2.t1 WHERE c3 = 5") == "select * from db2.t1 where c3 = ?"
    assert fingerprint("SELECT * FROM db2.t1 WHERE c3 = 5") != fingerprint(
        "SELECT * FROM db3.t7 WHERE c3 = 5"
    )
    assert fingerprint("SELECT * FROM users_2009") != fingerprint("SELECT * FROM users_2010")
    assert (
        fingerprint("SET NAMES utf8mb4 COLLATE utf8mb4_bin", "mysql")
        == "set names utf8mb4 collate utf8mb4_bin"
    )


def test_quoted_names_and_hex_literals() -> None:
    sql = 'SELECT "CamelCol", col2 FROM "MyTable" WHERE x = 0x1F'
    assert fingerprint(sql, "postgresql") == 'select "CamelCol", col2 from "MyTable" where x = ?'
    assert fingerprint(sql, "postgresql") == fingerprint(sql.replace("0x1F", "31"), "postgresql")  # pt: ?f


def test_dollar_placeholders() -> None:
    sql = "SELECT * FROM t WHERE a IN ($1, $2, $3) AND b = $4"
    assert fingerprint(sql, "postgresql") == "select * from t where a in (?+) and b = ?"
    assert fingerprint(sql, "postgresql") == fingerprint(
        "SELECT * FROM t WHERE a IN ($1) AND b = $2", "postgresql"
    )


def test_values_rows_collapse_whatever_their_number() -> None:
    one = fingerprint("INSERT INTO t (a,b) VALUES (1,'x')", "postgresql")
    assert one == "insert into t(a, b) values (?+)"
    assert one == fingerprint("INSERT INTO t (a,b) VALUES (1,'x'),(2,'y'),(3, NULL)", "postgresql")


def test_is_null_stays() -> None:
    sql = "SELECT * FROM t WHERE a IS NULL AND b = NULL AND c IS NOT NULL"
    assert fingerprint(sql) == "select * from t where a is null and b = ? and c is not null"  # pt: is ?
    assert fingerprint("SELECT * FROM t WHERE a IS NULL") != fingerprint("SELECT * FROM t WHERE a = 5")


def test_no_trailing_space_after_comments() -> None:
    assert fingerprint("/* app:foo */ SELECT 1 -- trailing\n") == "select ?"  # pt: 'select ? '


def test_exponents_and_leading_dot_decimals() -> None:
    assert fingerprint("SELECT 1.5e10, .5, 3.14, -2, 1e-3") == "select ?, ?, ?, ?, ?"
    assert fingerprint("SELECT 1.5e10, .5") == fingerprint("SELECT 1, 2")


def test_leading_begin_is_kept_in_the_class() -> None:
    """pgBadger drops a leading ``BEGIN;``; we keep the multi-statement text whole (as pt does), literals aside."""
    assert fingerprint("BEGIN; UPDATE t SET a = 1 WHERE id = 2") == "begin; update t set a = ? where id = ?"
    assert fingerprint("BEGIN; UPDATE t SET a = 1 WHERE id = 2") == fingerprint(
        "begin;update t set a=7 where id=9;"
    )


# --------------------------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("sql", "dialect", "expected"),
    [
        ("SELECT a,b FROM t WHERE x=1", None, "select a, b from t where x = ?"),
        ("select a , b from t where x = 1", None, "select a, b from t where x = ?"),
        (
            "SELECT * FROM t WHERE x = E'it\\'s' AND y = N'z' AND b = B'101'",
            "postgresql",
            "select * from t where x = ? and y = ? and b = ?",
        ),
        (
            "SELECT _utf8mb4'abc' COLLATE utf8mb4_bin, _latin1 'x', X'4142'",
            "mysql",
            "select ? collate utf8mb4_bin, ?, ?",
        ),
        ("SELECT 'it\\'s', 'a''b', 0b101, 0x1F, TRUE, false", "mysql", "select ?, ?, ?, ?, ?, ?"),
        ("SELECT $$a 'b' c$$, $fn$ x $y$ $fn$, 1", "postgresql", "select ?, ?, ?"),
        (
            "SELECT * FROM t WHERE a = %s AND b = %(name)s AND c = :c AND d::text = ?",
            "postgresql",
            "select * from t where a = ? and b = ? and c = ? and d::text = ?",
        ),
        (
            "SELECT x = -5, y = +5, z - 5, (-1), f(-2), a * -3 FROM t",
            None,
            "select x = ?, y = ?, z - ?, (?), f(?), a * ? from t",
        ),
        ("SELECT - a FROM t", None, "select - a from t"),
        ('SELECT "name" FROM users WHERE name = "bob"', "mysql", "select ? from users where name = ?"),
        (
            'SELECT "users"."name" FROM "users" WHERE "users"."name" = \'bob\'',
            "postgresql",
            "select users.name from users where users.name = ?",
        ),
        ('SELECT "Users"."Name" FROM "Users"', "sqlite", "select users.name from users"),
        (
            "SELECT `Users`.`Name`, `a tbl`.`order` FROM `Users`",
            "mysql",
            'select users.name, "a tbl"."order" from users',
        ),
        ('SELECT "a b"."x""y" FROM "select"', "postgresql", 'select "a b"."x""y" from "select"'),
        ("SELECT a FROM t # comment\nWHERE b = 1", "mysql", "select a from t where b = ?"),
        ("SELECT a #> '{x}', a #- '{y}' FROM t", "postgresql", "select a #> ?, a #- ? from t"),
        ("SELECT a FROM t # comment", None, "select a from t"),
        (
            "SELECT /*+ MAX_EXECUTION_TIME(1000) */ a FROM t /* c */ WHERE /*!50000 b = 1 AND */ c = 2",
            "mysql",
            "select a from t where c = ?",
        ),
        ("SHOW /*!50002 GLOBAL */ STATUS", "mysql", "show status"),
        ("select 5--1", "mysql", "select ? - ?"),
        ("select 5--1", "postgresql", "select ?"),
        (
            "SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4)) AND c NOT IN ('x')",
            None,
            "select * from t where (a, b) in (?+) and c not in (?+)",
        ),
        (
            "SELECT * FROM t WHERE a = ANY(ARRAY[1, 2, 3]) AND b[1] = 2",
            "postgresql",
            "select * from t where a = any (array[?+]) and b[?] = ?",
        ),
        (
            "SELECT * FROM t WHERE a IN (SELECT b FROM u WHERE c IN (1,2))",
            None,
            "select * from t where a in (select b from u where c in (?+))",
        ),
        (
            "INSERT INTO t VALUES (1, NOW()), (2, NOW())",
            "mysql",
            "insert into t values (?, now()), (?, now())",
        ),
        (
            "INSERT INTO t (a) VALUES (1),(2) ON DUPLICATE KEY UPDATE a = VALUES(a) + 1",
            "mysql",
            "insert into t(a) values (?+) on duplicate key update a = values (a) + ?",
        ),
        ("SELECT a FROM t ORDER BY a ASC, b DESC, t.asc", None, "select a from t order by a, b desc, t.asc"),
        ("SELECT * FROM t LIMIT 10, 20", "mysql", "select * from t limit ? offset ?"),
        ("SELECT * FROM t LIMIT 20 OFFSET 10", "mysql", "select * from t limit ? offset ?"),
        ("SELECT * FROM t LIMIT 20", "mysql", "select * from t limit ?"),
        (
            "SELECT a FROM t UNION ALL SELECT a FROM t UNION ALL SELECT a FROM t UNION SELECT b FROM u",
            None,
            "select a from t /*repeat union all*/ union select b from u",
        ),
        (
            "SELECT a FROM t UNION SELECT a FROM t UNION ALL SELECT a FROM t UNION ALL SELECT a FROM t",
            None,
            "select a from t /*repeat union*/ union all select a from t /*repeat union all*/",
        ),
        ("SELECT 1 UNION SELECT 2", None, "select ? /*repeat union*/"),
        ("SELECT 1 UNION SELECT a FROM t", None, "select ? union select a from t"),
        ("administrator command: Quit", "mysql", "administrator command: Quit"),
        ("use `My_Db`;", "mysql", "use ?"),
        ("USE db", None, "use ?"),
        ("CALL proc(1, 'a', 2.5)", "mysql", "call proc(?+)"),
        ("CALL proc(@out, 1)", "mysql", "call proc(@out, ?)"),
        (
            "SELECT a::int, CAST(b AS text), COUNT(*), IF(c, 1, 2) FROM t",
            "postgresql",
            "select a::int, cast(b as text), count(*), if(c, ?, ?) from t",
        ),
        (
            "SELECT a FROM t WHERE EXISTS (SELECT 1) AND b IN (1)",
            None,
            "select a from t where exists (select ?) and b in (?+)",
        ),
        ("SELECT a FROM t;;", None, "select a from t"),
        (
            "CREATE TABLE t (id INT NOT NULL DEFAULT 0, s TEXT NULL)",
            "mysql",
            "create table t(id int not null default ?, s text ?)",
        ),
        (
            "SELECT 123foo, 12_13_foo FROM 123_bar AS 123baz",
            "mysql",
            "select 123foo, 12_13_foo from 123_bar as 123baz",
        ),
        ("SELECT @a := 1, @@session.sql_mode", "mysql", "select @a := ?, @@session.sql_mode"),
        (
            "SELECT * FROM t WHERE a = ?1 AND b = :b AND c = @c AND d = $d",
            "sqlite",
            "select * from t where a = ? and b = ? and c = ? and d = ?",
        ),
        ("", None, ""),
        ("   \n\t ", None, ""),
        ("/* only a comment */", None, ""),
    ],
)
def test_rules(sql: str, dialect: str | None, expected: str) -> None:
    assert fingerprint(sql, dialect) == expected


def test_none_dialect_guesses_double_quotes_from_context() -> None:
    assert fingerprint('SELECT "a", "b" FROM "t" WHERE "t"."c" = "x"') == "select a, b from t where t.c = ?"
    assert fingerprint('INSERT INTO "t" ("a", "b") VALUES ("x", "y")') == "insert into t(a, b) values (?+)"
    assert (
        fingerprint('SELECT * FROM t WHERE a IN ("x", "y") AND "b" = 1')
        == "select * from t where a in (?+) and b = ?"
    )
    # a comment between the words does not change the guess
    assert fingerprint('SELECT * FROM t WHERE "b" /* c */ = 1') == fingerprint(
        'SELECT * FROM t WHERE "b" = 1'
    )


def test_dialect_names() -> None:
    sql = 'SELECT "a" FROM t WHERE b = 1'
    assert fingerprint(sql, "mariadb") == fingerprint(sql, "mysql") == "select ? from t where b = ?"
    assert fingerprint(sql, "postgres") == fingerprint(sql, "postgresql") == "select a from t where b = ?"
    with pytest.raises(ValueError, match="dialect"):
        fingerprint("select 1", "oracle")


def test_class_id() -> None:
    fp = "select * from t where id = ?"
    assert class_id(fp) == hashlib.md5(fp.encode()).hexdigest()[:16].upper()
    # lone surrogates (undecodable bytes of a bad log) give an id too
    assert re.fullmatch(r"[0-9A-F]{16}", class_id("select \udc80"))
    assert class_id(fp) != class_id(fp + " ")


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("SELECT 1", "select"),
        ("  (SELECT a FROM t) UNION (SELECT b FROM u)", "select"),
        ("/* x */ insert into t values (1)", "insert"),
        ("REPLACE INTO t VALUES (1)", "insert"),
        ("WITH x AS (SELECT 1) DELETE FROM t WHERE a IN (SELECT * FROM x)", "delete"),
        ("WITH x AS (SELECT 1) SELECT * FROM x", "select"),
        ("update t set a = 1", "update"),
        ("ALTER TABLE t ADD COLUMN c INT", "ddl"),
        ("create index i on t (a)", "ddl"),
        ("SET NAMES utf8", "other"),
        ("administrator command: Quit", "other"),
        ("", "other"),
    ],
)
def test_statement_kind(sql: str, kind: str) -> None:
    assert statement_kind(sql) == kind


# ------------------------------------------------------------------------------------------------ properties

_SPECIAL_WORDS = "null true false asc is not use call in values value union limit"
_SPECIAL = set(_SPECIAL_WORDS.split())
_KEYWORD_WORDS = """select from where and or order by desc join on as group having insert into update set delete between
    like exists case when then else end distinct count null is not in asc limit offset true"""
_KEYWORDS = _KEYWORD_WORDS.split()
_names = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True).filter(lambda w: w not in _SPECIAL)
_ints = st.integers(min_value=-(10**12), max_value=10**12).map(str)
_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: str(abs(d)))
_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20)


def _quote(value: str, dialect: str | None) -> str:
    """A SQL string literal holding ``value`` in the dialect (backslashes escape in MySQL only)."""
    if dialect in (None, "mysql"):
        value = value.replace("\\", "\\\\")
    return "'" + value.replace("'", "''") + "'"


_token = st.one_of(
    st.sampled_from(_KEYWORDS),
    _names,
    _ints.filter(lambda s: not s.startswith("-")),
    _decimals,
    st.sampled_from(["(", ")", ",", "=", "<", ">=", "<>", "*", "+", "-", "/", ".", "?", "$1", "'s'", '"Q"']),
    st.just("`b`"),
)
_GLUE_OK = {"(", ")", ","}


def _case(draw: st.DrawFn, word: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in word) if word.isalpha() else word


@st.composite
def _respaced(draw: st.DrawFn) -> tuple[list[str], str, str | None]:
    """Tokens, the same tokens with other spacing/case/comments, and a dialect."""
    dialect = draw(st.sampled_from(DIALECTS))
    tokens = draw(st.lists(_token, min_size=1, max_size=25))
    parts = [_case(draw, tokens[0])]
    for before, tok in itertools.pairwise(tokens):
        glue_ok = (before in _GLUE_OK or tok in _GLUE_OK) and "." not in (before + tok)
        seps = [" ", "\t", "\n  ", " /* c */ ", "/**/", " -- c\n"] + ([""] if glue_ok else [])
        parts.append(draw(st.sampled_from(seps)) + _case(draw, tok))
    return tokens, "".join(parts), dialect


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(_respaced())
def test_spacing_case_and_comments_do_not_change_the_fingerprint(
    case: tuple[list[str], str, str | None],
) -> None:
    tokens, variant, dialect = case
    assert fingerprint(variant, dialect) == fingerprint(" ".join(tokens), dialect)


_TEMPLATES = [
    "SELECT * FROM t WHERE a = {int} AND b = {str} AND c IN ({ints}) ORDER BY d LIMIT {uint}",
    "UPDATE t SET a = {str}, b = {dec} WHERE id = {int} AND c BETWEEN {int} AND {int}",
    "INSERT INTO t (a, b) VALUES {rows}",
    "SELECT x FROM t WHERE d > {str} OR e > {dec} OR f = {hex} OR g IS NULL OR h = {bool}",
    "SELECT COUNT(*) FROM t JOIN u ON u.id = t.u_id WHERE t.a IN ({strs}) /* {comment} */",
]


@st.composite
def _filled(draw: st.DrawFn, template: str, dialect: str | None) -> str:
    def one(kind: str) -> str:
        if kind == "int":
            return draw(_ints)
        if kind == "uint":
            return str(draw(st.integers(min_value=0, max_value=10**6)))
        if kind == "dec":
            return draw(st.sampled_from(["", "-", "+"])) + draw(
                _decimals | st.sampled_from([".5", "1e10", "1.5E-3"])
            )
        if kind == "str":
            return _quote(draw(_text), dialect)
        if kind == "hex":
            return draw(st.sampled_from(["0x1F", "0xABCDEF", "X'4142'", "0b101"]))
        if kind == "bool":
            return draw(st.sampled_from(["TRUE", "false", "1"]))
        if kind == "ints":
            return ", ".join(draw(st.lists(_ints, min_size=1, max_size=20)))
        if kind == "strs":
            return ", ".join(_quote(s, dialect) for s in draw(st.lists(_text, min_size=1, max_size=8)))
        if kind == "rows":
            rows = draw(st.lists(st.tuples(_ints, _text), min_size=1, max_size=10))
            return ", ".join(f"({i}, {_quote(s, dialect)})" for i, s in rows)
        assert kind == "comment"
        return draw(st.text(st.characters(codec="ascii"), max_size=15)).replace("*/", "")

    return re.sub(r"\{(\w+)\}", lambda m: one(m.group(1)), template)


@st.composite
def _two_fillings(draw: st.DrawFn) -> tuple[str, str, str | None]:
    template = draw(st.sampled_from(_TEMPLATES))
    dialect = draw(st.sampled_from(DIALECTS))
    return draw(_filled(template, dialect)), draw(_filled(template, dialect)), dialect


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_two_fillings())
def test_other_literal_values_give_the_same_fingerprint(case: tuple[str, str, str | None]) -> None:
    one, other, dialect = case
    assert fingerprint(one, dialect) == fingerprint(other, dialect)


@settings(max_examples=300)
@given(
    st.sampled_from(
        [
            "SELECT {} FROM t WHERE b = 1",
            "SELECT a FROM {} WHERE b = 1",
            "SELECT a FROM t WHERE {} = 1",
            "SELECT a FROM db.{} JOIN u ON u.x = {}.y",
            "UPDATE t SET {} = 'x'",
            'SELECT "{}" FROM t',
        ]
    ),
    st.lists(_names, min_size=2, max_size=2, unique=True),
    st.sampled_from(DIALECTS),
)
def test_another_name_gives_another_fingerprint(template: str, names: list[str], dialect: str | None) -> None:
    if template.startswith('SELECT "') and dialect == "mysql":
        dialect = "postgresql"  # a double-quoted text is a string in MySQL
    assert fingerprint(template.format(names[0], names[0]), dialect) != fingerprint(
        template.format(names[1], names[1]), dialect
    )


def test_quoted_name_case_matters_in_postgresql_only() -> None:
    assert fingerprint('SELECT * FROM "Users"', "postgresql") != fingerprint(
        'SELECT * FROM "users"', "postgresql"
    )
    assert fingerprint('SELECT * FROM "users"', "postgresql") == fingerprint(
        "SELECT * FROM Users", "postgresql"
    )
    assert fingerprint("SELECT * FROM `Users`", "mysql") == fingerprint("SELECT * FROM users", "mysql")


# -------------------------------------------------------------------------------------- robustness and speed


@settings(max_examples=500)
@given(st.text(), st.sampled_from(DIALECTS))
def test_never_raises_on_any_text(sql: str, dialect: str | None) -> None:
    fp = fingerprint(sql, dialect)
    assert isinstance(fp, str)
    assert (fp == fp.strip() and "  " not in fp) or '"' in fp  # canonical spacing, except inside quoted names
    class_id(fp)


_SQLISH = st.text(
    st.sampled_from(list("sElEcT ()'\"`$#-/*+.,;:?%@[]\\\n0123456789xabn_=<>!|&~^E")), max_size=80
)


@settings(max_examples=500)
@given(_SQLISH, st.sampled_from(DIALECTS))
def test_never_raises_on_sql_like_noise(sql: str, dialect: str | None) -> None:
    assert isinstance(fingerprint(sql, dialect), str)


@settings(max_examples=60, deadline=None)
@given(_SQLISH | st.text(max_size=60), st.sampled_from(DIALECTS))
def test_tables_of_never_raises(sql: str, dialect: str | None) -> None:
    found = tables_of(sql, dialect)
    assert isinstance(found, tuple) and list(found) == sorted(set(found))


def _best_time(sql: str, dialect: str | None, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fingerprint(sql, dialect)
        best = min(best, time.perf_counter() - start)
    return best


def test_one_megabyte_insert_is_fast() -> None:
    sql = next(s for s in _long_statements().values() if len(s) > 1_000_000)
    for dialect in DIALECTS:
        assert _best_time(sql, dialect, runs=1) < 1.0
        assert fingerprint(sql, dialect) == "insert into the_universe values (?+)"


PATHOLOGICAL = {
    "open parens": "(",
    "close parens": ")",
    "quotes": "'",
    "double quotes": '"',
    "backslashes": "'\\",
    "comment openers": "/*",
    "minus signs": "- ",
    "words": "a ",
    "numbers": "1.",
    "dollar tags": "$a$",
    "hashes": "#",
    "union arms": " union select 1",
    "nested calls": "f(",
}


@pytest.mark.parametrize("unit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_inputs_take_linear_time(unit: str) -> None:
    for dialect in ("mysql", None):
        small = _best_time("select " + unit * 25_000, dialect)
        large = _best_time("select " + unit * 100_000, dialect)
        assert large < 1.0
        assert large < 10 * small + 0.02, (small, large)  # 4x the input: about 4x the time, far from 16x


def test_throughput_sanity() -> None:
    """Loose floor (the measured figure is ~150k statements/s): catches an accidental slow path, not noise."""
    sqls = [
        f"SELECT p.id, p.name FROM products p WHERE p.category_id = {i} AND p.name = 'n{i}' ORDER BY p.id LIMIT 20"
        for i in range(5000)
    ]
    start = time.perf_counter()
    for sql in sqls:
        fingerprint(sql, "mysql")
    assert len(sqls) / (time.perf_counter() - start) > 15_000


# -------------------------------------------------------------------------------------------------- tables_of


@pytest.mark.parametrize(
    ("sql", "dialect", "expected"),
    [
        (
            "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
            "LEFT JOIN shop.addresses a ON a.id = c.address_id WHERE o.total > 10",
            "mysql",
            ("customers", "orders", "shop.addresses"),
        ),
        (
            "SELECT * FROM products WHERE id IN (SELECT product_id FROM order_lines WHERE qty > 2) "
            "AND EXISTS (SELECT 1 FROM stock s WHERE s.pid = products.id)",
            "mysql",
            ("order_lines", "products", "stock"),
        ),
        (
            "WITH recent AS (SELECT * FROM orders WHERE ts > now() - interval '1 day') "
            'SELECT r.id FROM recent r JOIN "Customers" c ON c.id = r.cid',
            "postgresql",
            ("Customers", "orders"),
        ),
        (
            "INSERT INTO archive.orders_2009 (id, total) SELECT id, total FROM orders WHERE created < '2010-01-01'",
            "mysql",
            ("archive.orders_2009", "orders"),
        ),
        (
            "UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.vip = 1 WHERE c.tier = 'gold'",
            "mysql",
            ("customers", "orders"),
        ),
        ("DELETE FROM sessions WHERE expires_at < NOW()", "mysql", ("sessions",)),
        ("DELETE a FROM a JOIN b ON a.id = b.id WHERE b.x = 1", "mysql", ("a", "b")),
        ("SELECT * FROM `My Schema`.`OrderLines` WHERE id = 1", "mysql", ("My Schema.OrderLines",)),
        (
            'SELECT * FROM "Sales"."Q1" s, Public.Items i WHERE s.item = i.id',
            "postgresql",
            ("Sales.Q1", "public.items"),
        ),
        ("SELECT * FROM generate_series(1, 10) g JOIN t ON t.n = g", "postgresql", ("t",)),
        ("SELECT * FROM unnest($1::int[]) AS u(id) JOIN t USING (id)", "postgresql", ("t",)),
        (
            "update db2.tuningdetail_21_265507 n\n inner join db1.gonzo a using(gonzo) \n set n.column1 = a.column1",
            None,
            ("db1.gonzo", "db2.tuningdetail_21_265507"),
        ),
        ('SELECT "reviews"."id" FROM "reviews" WHERE "reviews"."product_id" = $1', None, ("reviews",)),
        ("(SELECT a FROM x) UNION ALL (SELECT a FROM y)", "mysql", ("x", "y")),
        ("select * from a, a, a", "mysql", ("a",)),
        ("SELECT * FROM main.t1 JOIN t2 USING (id)", "sqlite", ("main.t1", "t2")),
        ("INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = a + 1", "mysql", ("t",)),
        ("LOAD DATA INFILE '/tmp/foo.txt' INTO TABLE db.tbl", "mysql", ("db.tbl",)),  # regex fallback
        ("select 1", "mysql", ()),
        ("SET NAMES utf8", "mysql", ()),
        ("BEGIN", "mysql", ()),
        ("administrator command: Quit", "mysql", ()),
        ("SHOW INDEX FROM `db_facturacion`.`facturas`", "mysql", ()),
        ("CREATE TABLE t2 AS SELECT * FROM t", "mysql", ()),
        ("garbage ((( from", None, ()),
    ],
)
def test_tables_of(sql: str, dialect: str | None, expected: tuple[str, ...]) -> None:
    assert tables_of(sql, dialect) == expected


def test_tables_of_falls_back_to_the_regex_on_huge_statements() -> None:
    sql = "SELECT * FROM big b JOIN other o ON o.id = b.id WHERE b.x IN (" + ",".join(["1"] * 20_000) + ")"
    assert tables_of(sql, "mysql") == ("big", "other")


# ----------------------------------------------------------------------------------------------- the seams


def test_digest_groups_by_the_real_fingerprint() -> None:
    ts = datetime(2024, 1, 1, tzinfo=UTC)
    events = [
        QueryEvent(sql=f"SELECT * FROM t WHERE id = {i} AND s = 'v{i}'", duration_s=0.01, ts=ts)
        for i in range(5)
    ]
    events += [QueryEvent(sql="select *  from T where ID=-1 and S='x';", duration_s=0.02, ts=ts)]
    events += [QueryEvent(sql="SELECT * FROM t WHERE id IS NULL", duration_s=0.01, ts=ts)]
    digest = DigestBuilder(dialect="mysql").add_all(events).result()
    assert sorted((c.fingerprint, c.count) for c in digest.classes) == [
        ("select * from t where id = ? and s = ?", 6),
        ("select * from t where id is null", 1),
    ]
    top = digest.classes[0]
    assert top.id == class_id(top.fingerprint)
    assert top.tables == ("t",)


def test_nplusone_advice_reads_our_fingerprints() -> None:
    assert advise(fingerprint("SELECT * FROM brands WHERE brands.id = 7"))[0] == "many-to-one"
    child = fingerprint('SELECT * FROM "ratings" WHERE "ratings"."product_id" = $1', "postgresql")
    assert advise(child)[0] == "one-to-many"
