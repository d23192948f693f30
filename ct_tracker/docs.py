"""The API's description of itself: the OpenAPI document, the Swagger UI page that shows it, and a page
for each kind of error, all served by the tracker alone (nothing is fetched from another address, so the
pages work on a machine with no network).

Swagger UI's script, stylesheet and icon are the files the fastapi-offline package ships (Swagger UI 5,
which reads the OpenAPI 3.1 that FastAPI writes); they are served under /api/v1/docs/.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from ct_tracker.errors import ApiError
from ct_tracker.intake import shortened
from ct_tracker.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES, PROBLEMS_PATH

SWAGGER_UI_FILES = Path(fastapi_offline.__file__).parent / "static"
# name served under the docs page -> (file in SWAGGER_UI_FILES, content type)
DOCS_ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "swagger-ui.css": ("swagger-ui.css", "text/css; charset=utf-8"),
    "favicon.png": ("favicon.png", "image/png"),
}
# Swagger UI would otherwise ask a validator on the internet for a badge; nothing else it does leaves the page.
SWAGGER_UI_PARAMETERS: dict[str, Any] = {"validatorUrl": None}
# What FastAPI documents for a request it cannot validate, which is not what this tracker answers.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install_docs(app: FastAPI, api_prefix: str, validation_schema: str) -> None:
    """Serve the docs page at ``{api_prefix}/docs`` with its files, the problem pages, and an OpenAPI document
    whose error answers are ``application/problem+json`` (422s described by ``validation_schema``)."""
    docs_url = f"{api_prefix}/docs"
    assert app.openapi_url is not None and app.docs_url is None, "the docs page is made here, not by FastAPI"
    openapi_url = app.openapi_url

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{docs_url}/swagger-ui-bundle.js", swagger_css_url=f"{docs_url}/swagger-ui.css",
            swagger_favicon_url=f"{docs_url}/favicon.png", swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    for name, (file, content_type) in DOCS_ASSETS.items():
        app.add_api_route(f"{docs_url}/{name}", _asset(SWAGGER_UI_FILES / file, content_type),
                          methods=["GET"], include_in_schema=False, name=f"docs_{name}")

    @app.get(PROBLEMS_PATH, include_in_schema=False)
    def problem_types() -> HTMLResponse:
        return HTMLResponse(_problems_page(list(PROBLEM_TYPES), docs_url))

    @app.get(f"{PROBLEMS_PATH}/{{code}}", include_in_schema=False)
    def problem_type(code: str) -> HTMLResponse:
        if code not in PROBLEM_TYPES:
            raise ApiError(404, "not_found", f"no kind of error is called {shortened(code)}: see {PROBLEMS_PATH}")
        return HTMLResponse(_problems_page([code], docs_url))

    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = as_problems(original(), validation_schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to change the document


def as_problems(document: dict[str, Any], validation_schema: str) -> dict[str, Any]:
    """The OpenAPI document with every error answer (4xx, 5xx) under ``application/problem+json``, and
    FastAPI's own 422 schema (which this tracker never answers with) replaced by ``validation_schema``."""
    schemas = document.get("components", {}).get("schemas", {})
    for operation in (op for item in document.get("paths", {}).values() for op in item.values()):
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if str(status)[:1] not in ("4", "5") or "application/json" not in content:
                continue
            body = content.pop("application/json")
            if body.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                body["schema"] = {"$ref": f"#/components/schemas/{validation_schema}"}
            content[PROBLEM_MEDIA_TYPE] = body
    for name in _FASTAPI_VALIDATION_SCHEMAS:  # HTTPValidationError first: it is what refers to ValidationError
        if f'"#/components/schemas/{name}"' not in json.dumps(document):
            schemas.pop(name, None)
    return document


def _asset(path: Path, content_type: str) -> Any:
    def asset() -> FileResponse:
        return FileResponse(path, media_type=content_type)

    return asset


def _problems_page(codes: list[str], docs_url: str) -> str:
    single = len(codes) == 1
    title = PROBLEM_TYPES[codes[0]].title if single else "Kinds of error"
    items = "\n".join(
        f'<section id="{code}"><h2>{html.escape(PROBLEM_TYPES[code].title, quote=False)}</h2>'
        f"<p><code>{code}</code>, status {PROBLEM_TYPES[code].status}</p>"
        f"<p>{html.escape(PROBLEM_TYPES[code].meaning, quote=False)}</p></section>"
        for code in codes)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{html.escape(title, quote=False)} - ct-tracker provider API</title></head>
<body>
<h1>{html.escape(title, quote=False)}</h1>
<p>Every error answer of the provider API is <code>{PROBLEM_MEDIA_TYPE}</code> (RFC 9457): <code>type</code> is the
address of one of these pages, <code>code</code> its name. All kinds: <a href="{PROBLEMS_PATH}">{PROBLEMS_PATH}</a>;
the API: <a href="{docs_url}">{docs_url}</a>.</p>
{items}
</body>
</html>
"""
