"""Interactive API documentation served by the service itself, so `/docs` works with no internet.

FastAPI's own pages load Swagger UI from a CDN and start it with an inline script. Here the assets
come from the `swagger-ui-bundle-v2` package (Swagger UI 5, Apache-2.0, its licence ships in the
package) and the start-up code from ``static/redress-docs.js``, under a Content-Security-Policy that
lets the page load and call nothing but this service (`data:` images only: Swagger UI's icons).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException

__all__ = ["DOCS_CSP", "install_docs"]

DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_SWAGGER = Path(swagger_ui_bundle.swagger_ui_path)
_OWN = Path(__file__).with_name("static")
# Only what the page uses: the rest of the package (its demo index.html pointing at a public
# petstore, source maps) is never served.
ASSETS: dict[str, tuple[Path, str]] = {
    "swagger-ui-bundle.js": (_SWAGGER / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (_SWAGGER / "swagger-ui.css", "text/css"),
    "favicon-32x32.png": (_SWAGGER / "favicon-32x32.png", "image/png"),
    "redress-docs.js": (_OWN / "redress-docs.js", "text/javascript"),
}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{base}/favicon-32x32.png">
<link rel="stylesheet" href="{base}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="{base}/swagger-ui-bundle.js"></script>
<script src="{base}/redress-docs.js"></script>
</body>
</html>
"""


def install_docs(app: FastAPI, *, path: str = "/docs") -> None:
    """Serve Swagger UI for ``app.openapi_url`` at ``path`` with its assets under ``path/assets``."""
    base = f"{path}/assets"
    page = _PAGE.format(title=escape(f"{app.title} - API"), base=base, openapi_url=escape(app.openapi_url or ""))

    @app.get(path, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_CSP})

    @app.get(base + "/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> FileResponse:
        if name not in ASSETS:
            raise HTTPException(status_code=404)
        file, media_type = ASSETS[name]
        return FileResponse(file, media_type=media_type, headers={"X-Content-Type-Options": "nosniff"})
