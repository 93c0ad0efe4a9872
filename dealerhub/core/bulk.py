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

from django.db import DatabaseError, connection, models, transaction

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
) -> dict[str, str]:
    """Upsert ``rows`` (dicts of ``fields`` plus ``key``) and return {key value: outcome}.

    ``fields`` are compared and written; ``created_at``/``updated_at`` are set by SQL
    when the model has them. Runs in the caller's transaction.
    """
    if not rows:
        return {}
    try:
        with transaction.atomic():
            return _upsert(model, rows, key, fields)
    except DatabaseError:
        pass
    # Some record broke a constraint: find it without losing the good ones.
    outcomes: dict[str, str] = {}
    for row in rows:
        try:
            with transaction.atomic():
                outcomes.update(_upsert(model, [row], key, fields))
        except DatabaseError:
            outcomes[str(row[key])] = ERROR
    return outcomes


def _upsert(model, rows, key: str, fields: Sequence[str]) -> dict[str, str]:
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = [key, *fields]
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

    # Columns the caller does not send get the model's defaults on insert (Django
    # defaults live in Python, not in the database) and are left alone on update.
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
    value_columns = db_columns[1:]
    insert_columns = ", ".join(db_columns + default_columns + stamps_insert)
    select_columns = ", ".join(
        db_columns + ["%s"] * len(default_columns) + ["now()"] * len(stamps_insert)
    )
    assignments = ", ".join(
        [f"{c} = EXCLUDED.{c}" for c in value_columns] + [f"{s} = now()" for s in stamps_update]
    )
    changed = " OR ".join(f"{table}.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in value_columns)
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
            f"SELECT DISTINCT ON ({key_column}) {select_columns} FROM _bulk_stage "
            f"ON CONFLICT ({key_column}) DO UPDATE SET {assignments} WHERE {changed} "
            f"RETURNING {key_column}, (xmax = 0) AS inserted",
            default_values,
        )
        touched = {
            str(code): CREATED if inserted else UPDATED for code, inserted in cursor.fetchall()
        }
        cursor.execute("DROP TABLE _bulk_stage")
    return {str(row[key]): touched.get(str(row[key]), UNCHANGED) for row in rows}
