"""Outlets: Excel/CSV import with preview, export, and ERP bulk upserts."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dealerhub.core import tabular
from dealerhub.core.bulk import Batch

from .. import selectors
from ..choices import OutletKind
from ..models import Market, Outlet, OutletImport, Territory

OUTLET_COLUMNS = ("kind", "name")
# The outlet's own fields an import writes, after its kind and name.
DETAIL_FIELDS = ("address", "longitude", "latitude", "contact_name", "contact_phone")
OUTLET_OPTIONAL_COLUMNS = (*DETAIL_FIELDS, "external_code", "territory_code")
# An export reads back in as an import: the same columns in the same order.
EXPORT_HEADER = (*OUTLET_COLUMNS, *OUTLET_OPTIONAL_COLUMNS)


MAX_IMPORT_BYTES = 5 * 1024 * 1024


MAX_IMPORT_ROWS = 5000


def parse_outlet_rows(
    rows: list[list[str]],
    *,
    market_path: str,
    territory_ids: dict[str, tuple[int, str]],
    default_territory_id: int,
) -> tuple[list[dict], list[tuple[int, str]]]:
    """Check every row; numbering as the spreadsheet shows it (header = row 1).

    `territory_ids` maps codes to (id, path) for codes named in the file.
    """

    if not rows:
        return [], [(1, _("The file is empty."))]
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [column for column in OUTLET_COLUMNS if column not in header]
    if missing:
        return [], [(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        return [], [(1, _("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS})]
    # People type the kind as its code or its label in either language.
    kind_by_label: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            kind_by_label.update({str(label).lower(): v for v, label in OutletKind.choices})
    valid, errors = [], []
    seen_codes: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        values = {header[i]: cells[i] if i < len(cells) else "" for i in range(len(header))}
        problems: list[str] = []
        kind = values.get("kind", "")
        kind = kind_by_label.get(kind.strip().lower(), kind.strip())
        if kind not in OutletKind.values:
            problems.append(
                _("Unknown kind %(kind)r; use %(kinds)s.")
                % {"kind": values.get("kind", ""), "kinds": ", ".join(OutletKind.values)}
            )
        name = values.get("name", "")
        if not name:
            problems.append(_("The name is required."))
        elif len(name) > 200:
            problems.append(_("The name is longer than 200 characters."))
        if len(values.get("address", "")) > 300:
            problems.append(_("The address is longer than 300 characters."))
        longitude = tabular.parse_optional_decimal(
            values.get("longitude", ""), _("Longitude"), 180, problems
        )
        latitude = tabular.parse_optional_decimal(
            values.get("latitude", ""), _("Latitude"), 90, problems
        )
        if (longitude is None) != (latitude is None):
            problems.append(_("Give both longitude and latitude, or neither."))
        code = values.get("external_code", "")
        if code:
            if code in seen_codes:
                problems.append(
                    _("Duplicate external code %(code)s (first on row %(row)d).")
                    % {"code": code, "row": seen_codes[code]}
                )
            else:
                seen_codes[code] = number
        territory_id = default_territory_id
        territory_code = values.get("territory_code", "")
        if territory_code:
            found = territory_ids.get(territory_code)
            if found is None or not found[1].startswith(market_path):
                problems.append(
                    _("Territory %(code)s is not in this market.") % {"code": territory_code}
                )
            else:
                territory_id = found[0]
        if problems:
            errors.append((number, " ".join(problems)))
            continue
        valid.append(
            {
                "row": number,
                "territory_id": territory_id,
                "kind": kind,
                "name": name,
                "address": values.get("address", ""),
                "longitude": str(longitude) if longitude is not None else None,
                "latitude": str(latitude) if latitude is not None else None,
                "contact_name": values.get("contact_name", "")[:100],
                "contact_phone": values.get("contact_phone", "")[:30],
                "external_code": code or None,
            }
        )
    return valid, errors


@transaction.atomic
def outlet_import_prepare(*, market_id: int, by, filename: str, content: bytes):
    """Check an upload and keep the parsed rows for preview; nothing is imported yet."""

    market = Market.objects.select_related("territory").get(pk=market_id)
    try:
        rows = tabular.read_table(
            content=content, max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS
        )
    except ValidationError as exc:
        valid: list[dict] = []
        errors = [(1, " ".join(exc.messages))]
    else:
        codes: set[str] = set()
        header = [cell.strip().lower() for cell in rows[0]] if rows else []
        if "territory_code" in header:
            index = header.index("territory_code")
            codes = {row[index] for row in rows[1:] if index < len(row) and row[index]}
        territory_ids = {
            code: (pk, path)
            for code, pk, path in Territory.objects.filter(code__in=codes).values_list(
                "code", "id", "path"
            )
        }
        valid, errors = parse_outlet_rows(
            rows,
            market_path=market.territory.path,
            territory_ids=territory_ids,
            default_territory_id=market.territory_id,
        )
        # External codes owned by an outlet outside this market cannot be taken over.
        foreign = set(
            Outlet.objects.filter(
                external_code__in=[row["external_code"] for row in valid if row["external_code"]]
            )
            .exclude(territory__path__startswith=market.territory.path)
            .values_list("external_code", flat=True)
        )
        if foreign:
            kept = []
            for row in valid:
                if row["external_code"] in foreign:
                    errors.append(
                        (
                            row["row"],
                            _("External code %(code)s belongs to an outlet of another market.")
                            % {"code": row["external_code"]},
                        )
                    )
                else:
                    kept.append(row)
            valid = kept
    errors.sort()
    return OutletImport.objects.create(
        market=market,
        uploaded_by=by,
        filename=filename[:200],
        rows=valid,
        errors=[list(error) for error in errors],
    )


@transaction.atomic
def outlet_import_apply(*, import_id: int, by, accept_errors: bool = False):
    """Apply a prepared import set-based: all valid rows or nothing.

    With errors present nothing is written unless the user confirmed importing only the
    valid rows. Rows with an external code update that outlet; others update an outlet
    of the same territory, kind and name, else create one (so re-importing is idempotent).
    A row never takes over an outlet that already has another external code.
    """

    batch = OutletImport.objects.select_for_update().get(pk=import_id)
    if batch.applied_at is not None:
        raise ValidationError(_("This file has already been imported."))
    if batch.uploaded_by_id != by.pk:
        raise ValidationError(_("Only the person who uploaded the file can import it."))
    if batch.errors and not accept_errors:
        raise ValidationError(
            _("The file has rows with errors. Fix them or confirm importing only the valid rows.")
        )
    if not batch.rows:
        raise ValidationError(_("There are no valid rows to import."))
    rows = batch.rows
    by_code = {
        outlet.external_code: outlet
        for outlet in Outlet.objects.select_for_update().filter(
            external_code__in=[row["external_code"] for row in rows if row["external_code"]]
        )
    }
    by_name = {
        (outlet.territory_id, outlet.kind, outlet.name): outlet
        for outlet in Outlet.objects.select_for_update().filter(
            territory_id__in={row["territory_id"] for row in rows},
            name__in={row["name"] for row in rows},
        )
    }
    to_create, to_update = [], []
    fields = ["territory_id", *OUTLET_COLUMNS, *DETAIL_FIELDS]
    for row in rows:
        outlet = by_code.get(row["external_code"]) if row["external_code"] else None
        if outlet is None:
            namesake = by_name.get((row["territory_id"], row["kind"], row["name"]))
            # A namesake that already has another ERP code is another outlet: re-keying it
            # would make its code vanish for the ERP with no tombstone.
            if namesake is not None and not (
                row["external_code"] and namesake.external_code not in (None, "")
            ):
                outlet = namesake
        values = {
            name: (
                Decimal(row[name]) if name in ("longitude", "latitude") and row[name] else row[name]
            )
            for name in fields
        }
        if outlet is None:
            to_create.append(Outlet(external_code=row["external_code"], **values))
        else:
            for name, value in values.items():
                setattr(outlet, name, value)
            if row["external_code"]:
                outlet.external_code = row["external_code"]
            to_update.append(outlet)
    Outlet.objects.bulk_create(to_create, batch_size=1000)
    now = timezone.now()
    for outlet in to_update:
        outlet.updated_at = now
    Outlet.objects.bulk_update(
        to_update,
        ["territory", *OUTLET_COLUMNS, *DETAIL_FIELDS, "external_code", "updated_at"],
        batch_size=1000,
    )
    batch.applied_at = now
    batch.created_count = len(to_create)
    batch.updated_count = len(to_update)
    batch.save(update_fields=["applied_at", "created_count", "updated_count"])
    return batch


def outlets_export_xlsx(*, outlets) -> bytes:
    """An .xlsx of outlets in the import's column layout; formula-like text is neutralised."""
    return tabular.workbook(
        title="outlets",
        header=EXPORT_HEADER,
        rows=(
            (
                outlet.kind,
                outlet.name,
                outlet.address,
                outlet.longitude,
                outlet.latitude,
                outlet.contact_name,
                outlet.contact_phone,
                outlet.external_code or "",
                outlet.territory.code,
            )
            for outlet in outlets.iterator(chunk_size=2000)
        ),
    )


def outlets_bulk_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Upsert outlets pushed by an ERP: one result per record, in order, set-based.

    Records are validated dicts (`external_code`, the outlet fields they send and, to
    create or move an outlet, its `territory` code) or carry `errors`. Territories are
    resolved in the caller's scope in one query; the write is set-based
    (`dealerhub.core.bulk.Batch`): unchanged outlets are untouched and fields a record
    leaves out keep their values.
    """

    batch = Batch(records, allowed_paths=allowed_paths)
    batch.check_stored(Outlet.objects, path="territory__path")
    for index, row in batch.pending():
        if ("longitude" in row) != ("latitude" in row) or (
            (row.get("longitude") is None) != (row.get("latitude") is None)
        ):
            batch.fail(index, {"longitude": [_("Give both longitude and latitude, or neither.")]})
    batch.resolve(
        "territory",
        *selectors.TERRITORY_BY_CODE,
        message=_("No territory in your scope has the code %(code)s."),
        required_on_create=_("A new outlet needs its territory."),
    )
    batch.upsert(Outlet)
    return batch.results
