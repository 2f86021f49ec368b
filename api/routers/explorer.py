"""The registry explorer: a static web page at `/` over this API, its modules under `/explorer/`.

The page's own files ship inside the package (`api/explorer/`); the graph library is served
from the project's `node_modules`, installed by `make install`, so nothing loads from a CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.deps import SettingsDep
from registry.errors import NotFoundError

STATIC_DIR = Path(__file__).resolve().parent.parent / "explorer"
# Files the page imports from npm packages: name under /explorer/vendor/ -> path in node_modules.
VENDORED = {"cytoscape.esm.min.mjs": ("cytoscape", "dist", "cytoscape.esm.min.mjs")}

router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "index.html", media_type="text/html", headers={"Cache-Control": "no-cache"}
    )


@router.get("/explorer/vendor/{name}")
def vendored(settings: SettingsDep, name: Annotated[str, PathParam()]) -> FileResponse:
    if name not in VENDORED:
        raise NotFoundError(f"no vendored file {name!r}")
    path = settings.node_modules_dir.joinpath(*VENDORED[name])
    if not path.is_file():
        package = VENDORED[name][0]
        raise NotFoundError(
            f"{name} is missing: the npm package {package} is not installed in "
            f"{settings.node_modules_dir} (run `make install`)"
        )
    return FileResponse(path, media_type="text/javascript")


def install_explorer(app: FastAPI) -> None:
    """Serve the page at `/` and its files under `/explorer/` (after every API route)."""
    app.include_router(router)
    app.mount("/explorer", StaticFiles(directory=STATIC_DIR), name="explorer")
