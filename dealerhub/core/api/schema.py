"""OpenAPI post-processing: the shared error format and the error responses every
operation can give, so clients (and schemathesis) see each status in the contract."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework.negotiation import DefaultContentNegotiation

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` holds per-field messages.",
    "required": ["type", "status", "title", "code"],
    "properties": {
        "type": {"type": "string"},
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine code."},
        "detail": {},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "Field name → list of messages (validation errors).",
        },
        "error_codes": {"type": "object", "additionalProperties": {}},
    },
}

COMMON = {
    "400": "Invalid input; `errors` names each field.",
    "401": "Missing, invalid, expired or revoked credentials.",
    "403": "Your role may not do this.",
    "404": "Not found, or outside your territory or resource scope.",
    "429": "Too many requests; retry after `Retry-After` seconds.",
}
WRITE_ONLY = {
    "409": "Conflict.",
    "412": "If-Match does not match the record's current ETag.",
    "413": "Batch larger than 1,000 records.",
    "422": "Idempotency-Key reused with a different request.",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            errors = dict(COMMON)
            if method in ("put", "patch", "post", "delete"):
                errors.update(WRITE_ONLY)
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": "Replays return the stored response; kept 48 hours.",
                            "schema": {"type": "string", "maxLength": 255},
                        }
                    )
            for code, description in errors.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result


def tidy_query_parameters(result, generator, request, public):
    """Query parameters as clients should read them.

    - Optional ones sent empty (`?updated_since=`) mean "not given": filters, cursors and
      page sizes all read them so. Say so, or clients and schemathesis take the empty
      value for a malformed one.
    - No `title` on their schemas: it is the field's translated label, and generators
      name enum classes after it (`DealerCandidatesList来源`), so the names would change
      with the language the schema was fetched in.
    """
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                parameter.get("schema", {}).pop("title", None)
                if not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


class SchemaContentNegotiation(DefaultContentNegotiation):
    """`?format=json` or `?format=yaml` picks the schema's rendering. The API itself has no
    such override (URL_FORMAT_OVERRIDE is off): `format` is a key-account filter there."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return super().select_renderer(
            request, renderers, format_suffix or request.query_params.get("format")
        )


class DecimalStringFieldExtension(OpenApiSerializerFieldExtension):
    """Decimal fields as DRF reads them. drf-spectacular's pattern also admits "", "-" and
    ".", which DRF refuses, and a minus sign where the field's minimum is 0 or more.

    (Numeric bounds such as ±180 cannot be stated on a string in OpenAPI 3.0; DRF answers
    them with a 400 naming the field.)
    """

    target_class = "rest_framework.fields.DecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        places = field.decimal_places or 0
        whole = field.max_whole_digits
        digits = "\\d+" if whole is None else (f"\\d{{1,{whole}}}" if whole else "0")
        if places:
            number = f"(?:{digits}(?:\\.\\d{{0,{places}}})?|\\.\\d{{1,{places}}})"
        else:
            number = digits
        sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
        return {"type": "string", "format": "decimal", "pattern": f"^{sign}{number}$"}


# Whitespace as Python's str.strip() (DRF's trim) sees it: \s plus \x1c-\x1f and U+0085,
# and not U+FEFF, which \s covers in ECMAScript regexes but Python keeps. (Checked
# against every code point with the Rust regexes schemathesis validates with.)
NOT_BLANK = "^[\\s\\S]*(?:[^\\s\\x1c-\\x1f\\x85]|\\ufeff)[\\s\\S]*$"


def non_blank_text(result, generator, request, public):
    """A required text field refuses a value that is only whitespace (DRF trims before it
    checks for blank), which `minLength: 1` alone does not say: add a pattern "contains a
    non-space character". Spelled as a whole-string match, because some tools (schemathesis
    among them) read every pattern as anchored, which would turn a bare \\S into "no
    spaces at all"."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for schema in component.get("properties", {}).values():
            if (
                schema.get("type") == "string"
                and schema.get("minLength", 0) >= 1
                and not {"pattern", "format", "enum"} & set(schema)
            ):
                schema["pattern"] = NOT_BLANK
    return result
