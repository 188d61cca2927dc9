"""Reports: officers publish a period's report (frozen, hashed); readers list and download them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status
from servicekit.api import IdempotencyKey, Page, PageCursor, PageLimit, RequestKey, caller_of
from servicekit.errors import NotFound

from .. import queries
from ..bootstrap import Deps
from ..domain.report import FILE_NAME, REPORT, Report
from ..handlers import reports
from .deps import AggregateReader, AppDeps, Officer, PathId
from .schemas import ReportCreate, ReportPublic

router = APIRouter(prefix="/reports", tags=["reports"])
FileName = Annotated[str, Path(pattern=FILE_NAME)]


async def _published(deps: Deps, report_id: str) -> Report:
    report = (await deps.core.store.load(REPORT, report_id)).state
    if report is None:
        raise NotFound("report_not_found")
    return report


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ReportPublic,
             responses={401: {}, 403: {}, 409: {}, 422: {}})
async def publish_report(body: ReportCreate, principal: Officer, deps: AppDeps, request: Request,
                         idempotency_key: IdempotencyKey = None) -> Any:
    """Publish a report on a period in French or English: HTML with charts, the same as PDF, CSV and JSON,
    frozen with their SHA-256."""
    caller = caller_of(principal, request)
    return await reports.publish_report(
        deps, caller, RequestKey.of(caller, idempotency_key, body.model_dump(mode="json")), title=body.title,
        period_start=body.period_start, period_end=body.period_end, verified_only=body.verified_only,
        language=body.language, csv_excel=body.csv_excel)


@router.get("", response_model=Page[ReportPublic], responses={401: {}, 403: {}, 422: {}})
async def list_reports(principal: AggregateReader, deps: AppDeps, cursor: PageCursor = None,
                       limit: PageLimit = queries.DEFAULT_PAGE) -> Any:
    """Published reports, latest period first, a page at a time."""
    return await queries.reports(deps.core.db, cursor=cursor, limit=limit)


@router.get("/{report_id}", response_model=ReportPublic, responses={401: {}, 403: {}, 404: {}})
async def read_report(report_id: PathId, principal: AggregateReader, deps: AppDeps) -> Any:
    """A published report: its period, files and SHA-256."""
    return await _published(deps, report_id)


@router.get("/{report_id}/files/{name:path}", responses={
    200: {"content": {"text/html": {}, "application/pdf": {}, "text/csv": {}, "application/json": {}, "image/png": {}}},
    401: {}, 403: {}, 404: {}, 500: {"description": "the stored file no longer matches its SHA-256"}})
async def download_file(report_id: PathId, name: FileName, principal: AggregateReader, deps: AppDeps) -> Response:
    """One frozen file of a report, served only if it still matches its published SHA-256."""
    report = await _published(deps, report_id)
    file = report.file(name)
    if file is None:
        raise NotFound("report_file_not_found", allowed=[f.name for f in report.files])
    content = await deps.report_files.read(report_id, file)
    return Response(content, media_type=file.media_type,
                    headers={"ETag": f'"{file.sha256}"', "X-Content-SHA256": file.sha256,
                             "Cache-Control": "private, max-age=3600"})
