"""Who is asking: a bearer token (`Authorization: Bearer ...`, for scripts) or the studio's session cookie
(HttpOnly, SameSite=Strict, so that another site's page cannot send it); and the account routes."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from tunesmith.library import accounts

COOKIE = "tunesmith_session"
router = APIRouter(prefix="/api", tags=["account"])


@dataclass(frozen=True)
class Who:
    id: int
    name: str


def studio(request: Request):
    return request.app.state.studio


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE)


def current_user(request: Request) -> Who:
    """The signed-in user, else 401. (A sync dependency: FastAPI runs it in its thread pool.)"""
    token = _token(request)
    if token:
        with studio(request).db.session() as s:
            user = accounts.user_of_token(s, token)
            if user is not None:
                return Who(user.id, user.name)
    raise HTTPException(401, "sign in first (a session cookie or an `Authorization: Bearer` token)",
                        headers={"WWW-Authenticate": "Bearer"})


CurrentUser = Annotated[Who, Depends(current_user)]


class Credentials(BaseModel):
    name: str = Field(max_length=64)
    password: str = Field(max_length=accounts.MAX_PASSWORD)


class TokenRequest(BaseModel):
    label: str = Field("api", max_length=64)


def _signed_in(request: Request, response: Response, user, token: str) -> dict:
    response.set_cookie(COOKIE, token, max_age=accounts.SESSION_DAYS * 86400, httponly=True, samesite="strict",
                        secure=studio(request).settings.secure_cookies, path="/")
    return {"user": {"id": user.id, "name": user.name}, "token": token}


@router.post("/users", status_code=201, summary="Create an account (and sign in)")
async def register(body: Credentials, request: Request, response: Response) -> dict:
    def work():
        with studio(request).db.session.begin() as s:
            user = accounts.create_user(s, body.name, body.password)
            return user, accounts.issue_token(s, user)

    user, token = await run_in_threadpool(work)
    return _signed_in(request, response, user, token)


@router.post("/login", summary="Sign in: a session token, also set as a cookie")
async def login(body: Credentials, request: Request, response: Response) -> dict:
    def work():
        with studio(request).db.session.begin() as s:
            user = accounts.check_password(s, body.name, body.password)
            return (user, accounts.issue_token(s, user)) if user else (None, None)

    user, token = await run_in_threadpool(work)
    if user is None:
        raise HTTPException(401, "wrong name or password")
    return _signed_in(request, response, user, token)


@router.post("/logout", summary="Sign out: the session token stops working")
def logout(request: Request, response: Response) -> dict:
    token = _token(request)
    if token:
        with studio(request).db.session.begin() as s:
            accounts.revoke_token(s, token)
    response.delete_cookie(COOKIE, path="/")
    return {"ok": True}


@router.get("/me", summary="The signed-in user")
def me(user: CurrentUser) -> dict:
    return {"id": user.id, "name": user.name}


@router.post("/tokens", status_code=201, summary="A new API token for scripts (shown once; never expires)")
def new_token(body: TokenRequest, request: Request, user: CurrentUser) -> dict:
    with studio(request).db.session.begin() as s:
        token = accounts.issue_token(s, s.get(accounts.User, user.id), body.label, days=None)
    return {"token": token, "label": body.label}
