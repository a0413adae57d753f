"""OpenAPI: every operation documents the JSON errors it can answer with."""

ERRORS = {
    "400": "Invalid input, or a command the rules refuse (the reason says which).",
    "401": "No credentials, or an unknown or revoked token.",
    "403": "Not allowed: your role, or an interaction that is not yours to act on.",
    "404": "No such thing, or not one you may see.",
    "409": "The interaction is not in a state for this command, or changed meanwhile.",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {}},
            },
            "required": ["code", "detail"],
        },
    )
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if method == "get" and code == "409":
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
