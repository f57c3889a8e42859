"""`/api/v1/me/export`: "download my data" — ask for the zip, then fetch it from the emailed link."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from metaic.admin import data_export
from metaic.api.deps import client_ip, current_user, db_session
from metaic.auth.models import User
from metaic.core.errors import AuthenticationFailed

router = APIRouter(prefix="/api/v1/me/export", tags=["account"])


@router.post("", status_code=202)
def request_export(
    request: Request, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> dict:
    """Prepare a zip of everything the account holds; a signed link valid for 7 days arrives by email."""
    data_export.request(session=session, user=user, ip=client_ip(request))
    return {"detail": f"We are preparing your data and will email {user.email} a download link."}


DOWNLOAD_ANSWERS = {
    200: {"description": "The zip.", "content": {"application/zip": {}}},
    303: {"description": "Signed out: to the sign-in page, which comes back here."},
    404: {"description": "The link expired, was replaced by a newer export, or is another account's."},
}


@router.get("/download", response_class=Response, responses=DOWNLOAD_ANSWERS)
def download(
    request: Request, token: str = Query(max_length=2000), session: Session = Depends(db_session, scope="function")
) -> Response:
    """The zip named by an emailed link, for the account it was made for, until the link expires.

    Opened from an email while signed out, it goes to the sign-in page, which comes back here."""
    try:
        user = current_user(request, session)
    except AuthenticationFailed:
        back = quote(f"{request.url.path}?{request.url.query}", safe="")
        return RedirectResponse(f"/login?next={back}", status_code=303)
    data = data_export.open_link(session=session, user=user, token=token)
    headers = {"Content-Disposition": 'attachment; filename="metaic-data.zip"', "Cache-Control": "no-store"}
    return Response(data, media_type="application/zip", headers=headers)
