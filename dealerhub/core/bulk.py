"""Set-based upserts for ERP bulk writes: COPY into a staging table, then one
``INSERT … ON CONFLICT … DO UPDATE … WHERE … IS DISTINCT FROM … RETURNING``.

About 4x faster than ``bulk_create(update_conflicts=True)`` on PostgreSQL, and it
tells created, updated and unchanged rows apart (unchanged rows are not written, so
their ``updated_at`` and audit trail stay as they are). A record the database refuses
(a constraint) is isolated by retrying that batch row by row under savepoints, so one
bad record never blocks the others and none is half-written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, connection, models, transaction
from django.utils.translation import gettext as _

from .scoping import path_visible

CREATED, UPDATED, UNCHANGED, ERROR = "created", "updated", "unchanged", "error"
_NULL = "\\N"


def _csv_value(field: models.Field, value) -> str:
    if isinstance(field, models.JSONField):
        return _NULL if value is None else json.dumps(value, ensure_ascii=False)
    value = field.get_db_prep_save(value, connection)
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def bulk_upsert(
    *,
    model: type[models.Model],
    rows: Sequence[dict],
    key: str = "external_code",
    fields: Sequence[str],
    conflict: Sequence[str] = (),
) -> dict[str, str]:
    """Upsert ``rows`` (dicts of ``fields`` plus ``key``) and return {key value: outcome}.

    ``fields`` are compared and written; ``created_at``/``updated_at`` are set by SQL
    when the model has them. ``conflict`` names further columns of the unique key (a
    partitioned table's keys include its partition key); they are written on insert and
    never changed. Runs in the caller's transaction.
    """
    if not rows:
        return {}
    try:
        with transaction.atomic():
            return _upsert(model, rows, key, fields, conflict)
    except DatabaseError:
        pass
    # Some record broke a constraint: find it without losing the good ones.
    outcomes: dict[str, str] = {}
    for row in rows:
        try:
            with transaction.atomic():
                outcomes.update(_upsert(model, [row], key, fields, conflict))
        except DatabaseError:
            outcomes[str(row[key])] = ERROR
    return outcomes


def _upsert(model, rows, key: str, fields: Sequence[str], conflict: Sequence[str] = ()):
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = [key, *conflict, *fields]
    model_fields = [meta.get_field(name) for name in columns]
    db_columns = [connection.ops.quote_name(f.column) for f in model_fields]
    field_names = {f.name for f in meta.concrete_fields}
    stamps_insert, stamps_update = [], []
    if "created_at" in field_names:
        stamps_insert.append("created_at")
    if "updated_at" in field_names:
        stamps_insert.append("updated_at")
        stamps_update.append("updated_at")

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_value(f, row.get(f.name)) for f in model_fields])
    buffer.seek(0)

    # Columns the caller does not send keep their stored values on update, and get the
    # model's defaults on insert (Django defaults live in Python, not in the database).
    # PostgreSQL checks NOT NULL on the proposed row before it sees the conflict, so the
    # proposed row carries the stored value where there is one.
    given = {*columns, *stamps_insert}
    default_fields = [f for f in meta.concrete_fields if f.name not in given and not f.primary_key]
    default_columns = [connection.ops.quote_name(f.column) for f in default_fields]
    default_values = [
        json.dumps(f.get_default())
        if isinstance(f, models.JSONField)
        else f.get_db_prep_save(f.get_default(), connection)
        for f in default_fields
    ]

    key_column = db_columns[0]
    key_columns = db_columns[: 1 + len(conflict)]
    value_columns = db_columns[1 + len(conflict) :]
    join = " AND ".join(f"t.{c} = s.{c}" for c in key_columns)
    insert_columns = ", ".join(db_columns + default_columns + stamps_insert)
    select_columns = ", ".join(
        [f"s.{c}" for c in db_columns]
        + [f"COALESCE(t.{c}, %s)" for c in default_columns]
        + ["clock_timestamp()"] * len(stamps_insert)
    )
    assignments = ", ".join(
        [f"{c} = EXCLUDED.{c}" for c in value_columns]
        + [f"{s} = clock_timestamp()" for s in stamps_update]
    )
    changed = " OR ".join(f"{table}.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in value_columns)
    if not value_columns:
        assignments, changed = f"{key_column} = EXCLUDED.{key_column}", "false"
    # A partitioned table (whose keys carry ``conflict`` columns) has no xmax to return:
    # there PostgreSQL 18's OLD row tells an insert (no old row) from an update.
    inserted = f"(old.{key_column} IS NULL)" if conflict else "(xmax = 0)"
    with connection.cursor() as cursor:
        # Same column types as the target, none of its constraints or defaults.
        cursor.execute(
            f"CREATE TEMP TABLE _bulk_stage ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {', '.join(db_columns)} FROM {table} WITH NO DATA"
        )
        copy_sql = f"COPY _bulk_stage FROM STDIN WITH (FORMAT csv, NULL '{_NULL}')"
        cursor.cursor.copy_expert(copy_sql, buffer)
        # Foreign keys are deferred in Django's schema; check them now so a bad
        # reference fails this statement (and its savepoint), not the whole commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"INSERT INTO {table} ({insert_columns}) "  # noqa: S608 - identifiers quoted above
            f"SELECT DISTINCT ON (s.{key_column}) {select_columns} FROM _bulk_stage s "
            f"LEFT JOIN {table} t ON {join} WHERE true "
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {assignments} WHERE {changed} "
            f"RETURNING {key_column}, {inserted} AS inserted",
            default_values,
        )
        touched = {
            str(code): CREATED if inserted else UPDATED for code, inserted in cursor.fetchall()
        }
        cursor.execute("DROP TABLE _bulk_stage")
    return {str(row[key]): touched.get(str(row[key]), UNCHANGED) for row in rows}


def field_errors(model: type[models.Model], row: dict) -> dict[str, list[str]]:
    """The model's own field validators (lengths, integer and decimal ranges) over the
    values a set-based write is about to send, so none reaches the database as a 500."""
    errors: dict[str, list[str]] = {}
    for name, value in row.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if value is None or field.is_relation or not isinstance(field, models.Field):
            continue
        try:
            field.run_validators(value)
        except DjangoValidationError as exc:
            errors[name] = list(exc.messages)
    return errors


class Batch:
    """One bulk request on its way to the database, record by record, in order.

    Services build it from validated records (dicts, or ``{"errors": …}`` for records
    that failed their own validation) and then, each in one query for the whole batch:

    - :meth:`check_stored` refuses records whose key exists outside the caller's scope;
    - :meth:`resolve` turns a code (``territory``, ``market``…) into an id in scope;
    - :meth:`upsert` writes the rest set-based, grouped by the fields each record sent,
      so fields a record leaves out keep their stored values.

    A key that appears twice in one batch is reported on its later records. Failed
    records get ``status: "error"`` with per-field messages and nothing of them is
    written. :attr:`results` is the answer, one line per record.
    """

    def __init__(
        self,
        records: Sequence[dict],
        *,
        allowed_paths: list[str] | None,
        key: str = "external_code",
    ) -> None:
        self.key = key
        self.allowed_paths = allowed_paths
        self.stored: dict = {}
        self.results: list[dict] = []
        self.rows: dict[int, dict] = {}
        seen: set = set()
        for index, record in enumerate(records):
            code = record.get(key)
            result = {"index": index, "external_code": code, "status": None}
            if key != "external_code":
                result[key] = code
            self.results.append(result)
            if "errors" in record:
                self.fail(index, record["errors"])
            elif code in seen:
                self.fail(index, {key: [_("This code appears twice in the batch.")]})
            else:
                seen.add(code)
                self.rows[index] = dict(record)

    def fail(self, index: int, errors: dict) -> None:
        self.results[index].update(status=ERROR, errors=errors)
        self.rows.pop(index, None)

    def pending(self) -> list[tuple[int, dict]]:
        return list(self.rows.items())

    def keys(self) -> list:
        return [row[self.key] for row in self.rows.values()]

    def check_stored(self, queryset, *, path: str, values: Sequence[str] = ()) -> dict:
        """Stored rows of the batch's keys as {key: row values}; a key stored outside the
        caller's scope fails its record as if it did not exist."""
        self.stored = stored = {
            row[self.key]: row
            for row in queryset.filter(**{f"{self.key}__in": self.keys()}).values(
                self.key, path, *values
            )
        }
        for index, row in self.pending():
            current = stored.get(row[self.key])
            if current is not None and not path_visible(current[path], self.allowed_paths):
                self.fail(index, {self.key: [_("Not found.")]})
        return stored

    def resolve(
        self,
        field: str,
        queryset,
        code: str,
        path: str,
        *,
        message,
        required_on_create=None,
    ) -> None:
        """Replace each record's ``field`` code by the id of the row with that code in
        ``queryset`` within the caller's scope; a record whose code is unknown or out of
        scope fails on that field with ``message``. A record without the field keeps its
        stored value; a new one (not in :meth:`check_stored`) then fails with
        ``required_on_create`` when that is given."""
        codes = {row[field] for _index, row in self.pending() if row.get(field) is not None}
        found = {
            row_code: (pk, row_path)
            for pk, row_code, row_path in queryset.filter(**{f"{code}__in": codes}).values_list(
                "pk", code, path
            )
        }
        for index, row in self.pending():
            value = row.get(field)
            if value is None:
                if required_on_create and row[self.key] not in self.stored:
                    self.fail(index, {field: [required_on_create]})
                continue
            target = found.get(value)
            if target is None or not path_visible(target[1], self.allowed_paths):
                self.fail(index, {field: [message % {"code": value}]})
                continue
            row[field] = target[0]

    def upsert(
        self,
        model: type[models.Model],
        *,
        exclude: Sequence[str] = (),
        conflict: Sequence[str] = (),
    ) -> dict[str, str]:
        """Write the pending records; returns {key: outcome} and fills in the results.
        ``conflict``: further unique-key columns every record carries (see bulk_upsert)."""
        for index, row in self.pending():
            if errors := field_errors(model, row):
                self.fail(index, errors)
        groups: dict[tuple, list[dict]] = {}
        for _index, row in self.pending():
            shape = tuple(
                sorted(
                    name
                    for name in row
                    if name != self.key and name not in exclude and name not in conflict
                )
            )
            groups.setdefault(shape, []).append(row)
        outcomes: dict[str, str] = {}
        for shape, rows in groups.items():
            outcomes.update(
                bulk_upsert(
                    model=model, rows=rows, key=self.key, fields=list(shape), conflict=conflict
                )
            )
        for index in list(self.rows):
            result = self.results[index]
            result["status"] = outcomes[str(self.rows[index][self.key])]
            if result["status"] == ERROR:
                result["errors"] = {"non_field_errors": [_("The database refused it.")]}
                self.rows.pop(index)
        return outcomes
