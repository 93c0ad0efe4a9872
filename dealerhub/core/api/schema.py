"""OpenAPI post-processing: the shared error format and the error responses every
operation can give, so clients (and schemathesis) see each status in the contract."""

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
