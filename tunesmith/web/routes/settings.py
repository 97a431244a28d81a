"""Your saved compose settings (the studio keeps the last ones used as "last")."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from tunesmith.library import events
from tunesmith.web.auth import CurrentUser, studio

router = APIRouter(prefix="/api/settings", tags=["library"])


class Values(BaseModel):
    values: dict


@router.get("", summary="Your saved settings by name")
def saved(request: Request, user: CurrentUser) -> dict:
    with studio(request).db.session() as s:
        return {"settings": events.settings_of(s, user.id)}


@router.put("/{name}", summary="Save settings under a name")
def save(name: str, body: Values, request: Request, user: CurrentUser) -> dict:
    if len(json.dumps(body.values)) > 20_000:
        raise HTTPException(413, "settings are at most 20 kB of JSON")
    with studio(request).db.session.begin() as s:
        events.save_settings(s, user.id, name, body.values)
    return {"name": name, "values": body.values}
