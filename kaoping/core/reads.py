"""The reads every request makes, as statements built once.

The ORM builds and compiles a query's SQL anew each time it runs it. For the handful of reads that
every page makes (the session, the user with their cadre record, their roles, the town, the month,
the unread count) the ORM's read took five to seven times as long as the same statement built once,
and a logged-in `/healthz` spent about 60 % of its time in the ORM's two queries (docs/performance.md,
"What the speed rests on").

`Read` builds a model's SELECT for one condition once per database, runs it with each call's values,
and turns each row into the instance the ORM would have made: the database's and the field's
converters, then `Model.from_db`; forward relations named in `related` are joined and cached on the
instance as `select_related` does. It reads whole rows by a condition written in SQL against the
model's columns (the model's table is `t`, the related ones `r0`, `r1` … in the order given); any
other query stays with the ORM. `extra` adds scalar subqueries to the same statement, written per
database vendor, each kept on the instance under its name as the driver gives it.

    _TOWN = Read(Town, "t.slug = %s")
    town = _TOWN.one(slug)  # a Town, or None
"""

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Part:
    """One model's columns in the statement: where they start in a row, and what converts them."""

    model: type[Model]
    relation: Any  # the main model's forward relation it is read through; None for the main model
    start: int
    attnames: tuple[str, ...]
    # (position in the part, its converters, its column)
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]
    pk_position: int


@dataclass(frozen=True)
class _Statement:
    rows: str
    count: str
    parts: tuple[_Part, ...]
    extra_start: int  # where the extra columns start in a row


class Read(Generic[M]):
    """Whole rows of `model` matching `where` (SQL with %s for each value), with `related` forward
    relations joined, ordered by `order_by` (SQL), at most `limit` of them; `extra`: attribute name ->
    {database vendor: a scalar subquery (SQL, no values)}, set on each instance."""

    def __init__(
        self,
        model: type[M],
        where: str,
        *,
        related: Sequence[str] = (),
        order_by: str = "",
        limit: int | None = None,
        extra: Mapping[str, Mapping[str, str]] | None = None,
    ):
        if model._meta.parents:  # its columns would be in two tables, which this statement does not join
            raise ValueError(f"{model.__name__} inherits a table: read it with the ORM")
        self.model = model
        self.where = where
        self.order_by = order_by
        self.limit = limit
        self.related = tuple(model._meta.get_field(name) for name in related)
        for field in self.related:
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                raise ValueError(f"{model.__name__}.{field.name} is not a forward relation")
        self.extra = dict(extra or {})
        self._built: dict[tuple[str, str], _Statement] = {}

    def all(self, *params: object) -> list[M]:
        statement = self._statement()
        with connection.cursor() as cursor:
            cursor.execute(statement.rows, [_adapt(p) for p in params])
            rows = cursor.fetchall()
        return [self._instance(statement, row) for row in rows]

    def one(self, *params: object) -> M | None:
        """The instance of the one row matching (a condition on a unique key), or None."""
        found = self.all(*params)
        return found[0] if found else None

    def count(self, *params: object) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self._statement().count, [_adapt(p) for p in params])
            return cursor.fetchone()[0]

    def _statement(self) -> _Statement:
        key = (connection.alias, connection.vendor)
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = self._build()
        return built

    def _build(self) -> _Statement:
        qn = connection.ops.quote_name
        models: list[tuple[type[Model], Any, str]] = [(self.model, None, "t")]
        models += [(field.related_model, field, f"r{i}") for i, field in enumerate(self.related)]
        columns: list[str] = []
        parts: list[_Part] = []
        for model, relation, alias in models:
            fields: list[Field] = list(model._meta.concrete_fields)
            converters = []
            for i, field in enumerate(fields):
                column = field.get_col(alias)
                found = tuple(connection.ops.get_db_converters(column)) + tuple(
                    column.get_db_converters(connection)
                )
                if found:
                    converters.append((i, found, column))
            parts.append(
                _Part(
                    model=model,
                    relation=relation,
                    start=len(columns),
                    attnames=tuple(f.attname for f in fields),
                    converters=tuple(converters),
                    pk_position=fields.index(model._meta.pk),
                )
            )
            columns += [f"{alias}.{qn(f.column)}" for f in fields]
        extra_start = len(columns)
        columns += [f"({by_vendor[connection.vendor]})" for by_vendor in self.extra.values()]
        joins = "".join(
            f" LEFT OUTER JOIN {qn(field.related_model._meta.db_table)} {alias}"
            f" ON {alias}.{qn(field.target_field.column)} = t.{qn(field.column)}"
            for _model, field, alias in models[1:]
        )
        source = f"{qn(self.model._meta.db_table)} t{joins} WHERE {self.where}"
        rows = f"SELECT {', '.join(columns)} FROM {source}"
        if self.order_by:
            rows += f" ORDER BY {self.order_by}"
        if self.limit is not None:
            rows += f" LIMIT {int(self.limit)}"
        return _Statement(
            rows=rows, count=f"SELECT COUNT(*) FROM {source}", parts=tuple(parts), extra_start=extra_start
        )

    def _instance(self, statement: _Statement, row: tuple) -> M:
        instance: M | None = None
        for part in statement.parts:
            values = list(row[part.start : part.start + len(part.attnames)])
            if part.relation is not None and values[part.pk_position] is None:
                part.relation.set_cached_value(instance, None)  # no related row: known, not to be read
                continue
            for i, converters, column in part.converters:
                for convert in converters:
                    values[i] = convert(values[i], column, connection)
            obj = part.model.from_db(connection.alias, part.attnames, values)
            if part.relation is None:
                instance = obj  # type: ignore[assignment]
                continue
            part.relation.set_cached_value(instance, obj)
            if part.relation.one_to_one:
                part.relation.remote_field.set_cached_value(obj, instance)
        assert instance is not None
        for i, name in enumerate(self.extra):
            setattr(instance, name, row[statement.extra_start + i])
        return instance


def _adapt(value: object) -> object:
    """A value as the database driver takes it (the ORM's field adaptation, for the types used here)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value
