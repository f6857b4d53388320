"""Metric filters from callers are parsed, never passed on as text.

A filter (the ``where`` of :func:`nyc_mobility.metrics.query`, ``nyc-mobility metrics query --where``
and ``nyc-mobility mf query --where``) must be one boolean expression over the semantic layer's own
items — MetricFlow's ``{{ Dimension('trip__pickup_borough') }}``, ``{{ TimeDimension('metric_time',
'day') }}``, ``{{ Entity('trip') }}`` and ``{{ Metric('trips', group_by=['trip']) }}`` templates —
and literals, combined with comparisons, ``AND``/``OR``/``NOT``, ``IN``, ``BETWEEN``, ``LIKE``,
``IS [NOT] NULL``, arithmetic and casts to plain types. Each template must be exactly one such call
(no other Jinja), and the SQL around the templates is parsed by sqlglot and checked node by node:
a function call, a subquery, a column that is not a template, a second statement or a comment is
refused with :class:`UnsafeFilterError`. The filter passed on is re-rendered from the parse tree,
so nothing of the caller's text reaches DuckDB unparsed.
"""

from __future__ import annotations

import re
import secrets

from nyc_mobility.metrics.engine import MetricQueryError

STR = r"""(?:'[A-Za-z0-9_]*'|"[A-Za-z0-9_]*")"""
LIST = rf"\[\s*(?:{STR}(?:\s*,\s*{STR})*\s*,?)?\s*\]"
VALUE = rf"(?:{STR}|{LIST}|True|False)"
KEYWORD = rf"(?:entity_path|group_by|time_granularity_name|date_part_name|grain|descending)\s*=\s*{VALUE}"
ARGS = rf"(?:(?:{VALUE}|{KEYWORD})(?:\s*,\s*(?:{VALUE}|{KEYWORD}))*)?"
CALL = re.compile(
    rf"\s*(?:Dimension|TimeDimension|Entity|Metric)\(\s*{ARGS}\s*\)"
    rf"(?:\s*\.\s*(?:grain|date_part|descending)\(\s*{ARGS}\s*\))*\s*"
)
TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.S)
MAX_LENGTH = 4000
# Bounds on what one query may ask: 1,000 filters took 35 s and 1.2 GB to plan; a filter nested
# deeper than this is no one's filter (and Python's recursion limit is not a message).
MAX_FILTERS = 20
MAX_DEPTH = 32


class UnsafeFilterError(MetricQueryError):
    """A filter that is not one boolean expression over the semantic layer's items and literals."""


def _allowed_nodes() -> tuple[type, ...]:
    from sqlglot import exp

    return (
        exp.Column,
        exp.Identifier,
        exp.Literal,
        exp.Boolean,
        exp.Null,
        exp.Paren,
        exp.And,
        exp.Or,
        exp.Not,
        exp.EQ,
        exp.NEQ,
        exp.GT,
        exp.GTE,
        exp.LT,
        exp.LTE,
        exp.Is,
        exp.In,
        exp.Between,
        exp.Like,
        exp.ILike,
        exp.Neg,
        exp.Add,
        exp.Sub,
        exp.Mul,
        exp.Div,
        exp.Tuple,
        exp.Cast,
        exp.DataType,
    )


_PLAIN_TYPES = {
    "DATE",
    "TIMESTAMP",
    "TIME",
    "INT",
    "BIGINT",
    "DOUBLE",
    "FLOAT",
    "DECIMAL",
    "TEXT",
    "VARCHAR",
    "BOOLEAN",
}


def _refuse(text: str, why: str) -> UnsafeFilterError:
    shown = text if len(text) <= 200 else text[:200] + "…"
    return UnsafeFilterError(
        f"refused filter {shown!r}: {why}. A filter is one boolean expression over "
        "{{ Dimension('…') }}, {{ TimeDimension('…', '…') }}, {{ Entity('…') }} or {{ Metric('…', group_by=[…]) }} "
        "and literals (comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL)"
    )


def safe_filter(text: str) -> str:
    """``text`` checked and re-rendered as a MetricFlow where filter, or :class:`UnsafeFilterError`."""
    import sqlglot
    from sqlglot import exp

    if not isinstance(text, str) or not text.strip():
        raise _refuse(str(text), "empty filter")
    if len(text) > MAX_LENGTH:
        raise _refuse(text, f"longer than {MAX_LENGTH} characters")
    if _depth(TEMPLATE.sub("item", text)) > MAX_DEPTH:
        raise _refuse(text, f"nested deeper than {MAX_DEPTH} parentheses")
    nonce = secrets.token_hex(6)
    calls: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        body = match.group(1)
        if not CALL.fullmatch(body):
            raise _refuse(text, f"{{{{{body}}}}} is not one Dimension/TimeDimension/Entity/Metric call")
        # fixed width and closed: no placeholder is the prefix of another (template 10 vs 1)
        name = f"__mf_{nonce}_{len(calls):04d}_x"
        calls[name] = "{{ " + body.strip() + " }}"
        return name

    sql = TEMPLATE.sub(placeholder, text)
    if any(token in sql for token in ("{{", "}}", "{%", "%}", "{#", "#}")):
        raise _refuse(text, "Jinja other than the semantic layer's templates")
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as error:
        raise _refuse(text, f"not an expression ({str(error).splitlines()[0]})") from None
    except RecursionError:
        raise _refuse(text, "nested too deeply") from None
    if len(statements) != 1:
        raise _refuse(text, "exactly one expression is allowed")
    (tree,) = statements
    allowed = _allowed_nodes()
    for node in tree.walk():
        if node.comments:
            raise _refuse(text, "comments are not allowed")
        if not isinstance(node, allowed):
            raise _refuse(
                text, f"{type(node).__name__.lower()} is not allowed ({node.sql(dialect='duckdb')[:60]})"
            )
        if isinstance(node, exp.Column) and (node.name not in calls or node.table):
            raise _refuse(
                text, f"{node.sql(dialect='duckdb')} is not a semantic-layer item (use the templates)"
            )
        if isinstance(node, exp.DataType) and node.this.name not in _PLAIN_TYPES:
            raise _refuse(text, f"cast to {node.sql(dialect='duckdb')} is not allowed")
        if isinstance(node, exp.Identifier) and node.quoted:
            raise _refuse(
                text, f"a quoted name ({node.sql(dialect='duckdb')[:60]}) is not an item (use the templates)"
            )
        if isinstance(node, exp.Literal) and nonce in str(node.this):
            raise _refuse(text, "a template inside a quoted literal is text, not an item")
    if not calls:
        raise _refuse(text, "it references no dimension, time dimension, entity or metric")
    rendered = tree.sql(dialect="duckdb")
    placeholders = re.compile(rf"__mf_{nonce}_[0-9]{{4}}_x")
    if sorted(placeholders.findall(rendered)) != sorted(
        n.name for n in tree.find_all(exp.Column) if n.name in calls
    ):
        raise _refuse(text, "its templates are not all items of the expression")
    rendered = placeholders.sub(lambda match: calls[match.group(0)], rendered)
    _check_items(rendered, text)
    return rendered


def safe_filters(where: object) -> list[str]:
    """Every filter of a query (one text or a sequence of them) checked and re-rendered: at most
    :data:`MAX_FILTERS`, each text (a wrong type is the API's error, not a ``TypeError``)."""
    if where is None:
        return []
    items = [where] if isinstance(where, str) else where
    if not isinstance(items, (list, tuple)) or not all(isinstance(w, str) for w in items):
        raise UnsafeFilterError(f"where takes a filter text or a list of them, not {type(where).__name__}")
    if len(items) > MAX_FILTERS:
        raise UnsafeFilterError(
            f"{len(items)} filters: at most {MAX_FILTERS} in one query (combine them with AND)"
        )
    return [safe_filter(w) for w in items]


def _depth(text: str) -> int:
    """The deepest nesting of parentheses and brackets in ``text`` (quotes not considered: a bound)."""
    depth = deepest = 0
    for char in text:
        if char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    return deepest


def _check_items(rendered: str, text: str) -> None:
    """MetricFlow's own parser reads the templates (syntax of names, grains, entity paths)."""
    from dbt_semantic_interfaces.parsing.where_filter.jinja_object_parser import JinjaObjectParser

    try:
        JinjaObjectParser.parse_item_descriptions(rendered)
    except Exception as error:
        cause = error.__cause__ or error
        raise _refuse(text, f"MetricFlow cannot read its templates ({str(cause).splitlines()[0]})") from None
