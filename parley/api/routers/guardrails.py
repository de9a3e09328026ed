"""The business's guardrails: read and change the settings, and try them on a test input."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from parley.api.deps import AgentDep, SessionDep, require
from parley.api.envelope import ok
from parley.core.actor import Actor
from parley.guardrails import service
from parley.guardrails.settings import GuardrailSettings
from parley.guardrails.tester import GuardrailTest, run_test
from parley.knowledge.embeddings import embed_message

router = APIRouter(prefix="/api/v1/ai/guardrails", tags=["guardrails"])

Reader = Annotated[Actor, Depends(require("ai:read"))]
Writer = Annotated[Actor, Depends(require("ai:write"))]


@router.get("", summary="Get the guardrail settings")
async def get_guardrails(actor: Reader, session: SessionDep) -> dict[str, Any]:
    """The profile, rules, thresholds, blocked patterns and topics, with the recent changes."""
    return ok(await service.get_guardrails(session, actor))


@router.put("", summary="Replace the guardrail settings")
async def put_guardrails(body: GuardrailSettings, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """Replace the settings; ``changes`` lists what changed, newest first."""
    return ok(await service.update_guardrails(session, actor, data=body))


@router.post("/test", summary="Try the guardrails on a test input")
async def test_guardrails(
    body: GuardrailTest, actor: Reader, session: SessionDep, agent: AgentDep
) -> dict[str, Any]:
    """Run one rule, or the whole profile, on a message or a draft reply; nothing is stored."""
    stored = await service.settings_of(session, actor.tenant_id)
    embedder = await agent.embedder()
    vector = await asyncio.to_thread(embed_message, embedder, body.input)
    return ok(await asyncio.to_thread(run_test, body, stored, vector=vector, embedder=embedder))
