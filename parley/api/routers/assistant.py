"""The assistant's per-business settings: reply templates of the offline engine."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from parley.agent import reply_templates as service
from parley.agent.reply_templates import TemplateIn, TemplatePatch
from parley.api.deps import SessionDep, require
from parley.api.envelope import ok
from parley.core.actor import Actor

router = APIRouter(prefix="/api/v1/assistant", tags=["assistant"])

Reader = Annotated[Actor, Depends(require("ai:read"))]
Writer = Annotated[Actor, Depends(require("ai:write"))]


@router.get("/templates", summary="List reply templates")
async def list_templates(actor: Reader, session: SessionDep, overrides_only: bool = False) -> dict[str, Any]:
    """The business's overrides and the defaults they leave in place (``default: true``)."""
    rows = await service.list_templates(session, actor, include_defaults=not overrides_only)
    return ok([row.model_dump(mode="json") for row in rows])


@router.post("/templates", status_code=201, summary="Override a reply template")
async def create_template(body: TemplateIn, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """Use your own wording for one key and language; placeholders must be ones the default fills."""
    return ok((await service.create_template(session, actor, data=body)).model_dump(mode="json"))


@router.get("/templates/{template_id}", summary="Get a reply template override")
async def read_template(template_id: uuid.UUID, actor: Reader, session: SessionDep) -> dict[str, Any]:
    """One override."""
    row = await service.get_template(session, template_id)
    return ok(
        service.TemplateOut(id=row.id, key=row.key, language=row.language, text=row.text).model_dump(
            mode="json"
        )
    )


@router.patch("/templates/{template_id}", summary="Change a reply template override")
async def patch_template(
    template_id: uuid.UUID, body: TemplatePatch, actor: Writer, session: SessionDep
) -> dict[str, Any]:
    """New wording for an override."""
    return ok((await service.update_template(session, actor, template_id, data=body)).model_dump(mode="json"))


@router.delete("/templates/{template_id}", summary="Delete a reply template override")
async def delete_template(template_id: uuid.UUID, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """The packaged default applies again."""
    return ok(await service.delete_template(session, actor, template_id))
