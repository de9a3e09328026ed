"""The assistant's per-business settings: AI profile, reply templates, usage and the FAQ answer cache."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from parley.agent import accounting, cache
from parley.agent import reply_templates as service
from parley.agent.intent import business as intents
from parley.agent.llm import profile
from parley.agent.reply_templates import TemplateIn, TemplatePatch
from parley.api.deps import AgentDep, SessionDep, require
from parley.api.envelope import ok
from parley.core.actor import Actor

router = APIRouter(prefix="/api/v1/assistant", tags=["assistant"])

Reader = Annotated[Actor, Depends(require("ai:read"))]
Writer = Annotated[Actor, Depends(require("ai:write"))]
Admin = Annotated[Actor, Depends(require("admin:settings"))]


@router.get("/config", summary="Get the AI profile")
async def read_config(actor: Reader, session: SessionDep) -> dict[str, Any]:
    """Instructions, tone, language, prohibited topics, fallback message, history budget and model.

    The answer also shows the system prompt they make.
    """
    return ok((await profile.get_config(session, actor)).model_dump(mode="json"))


@router.put("/config", summary="Replace the AI profile")
async def write_config(body: profile.ProfileIn, actor: Admin, session: SessionDep) -> dict[str, Any]:
    """Set how the agent speaks for the business; omitted fields take their defaults. Applies from the next turn."""
    return ok((await profile.put_config(session, actor, data=body)).model_dump(mode="json"))


@router.get("/usage", summary="Usage and cost of the assistant")
async def read_usage(
    actor: Reader,
    session: SessionDep,
    start: Annotated[date | None, Query(alias="from", description="First day (UTC), inclusive.")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day (UTC), inclusive.")] = None,
    by_day: bool = False,
) -> dict[str, Any]:
    """Agent replies, tokens, cost (USD), cache hits and turn latency (p50/p95) in a period."""
    report = await accounting.business_usage(session, actor, start=start, end=end, by_day=by_day)
    return ok(report.model_dump(mode="json"))


@router.get("/cache/stats", summary="FAQ answer cache figures")
async def read_cache_stats(actor: Reader, agent: AgentDep) -> dict[str, Any]:
    """Entries, hits, misses (FAQ questions the cache could not answer) and hit rate."""
    return ok(cache.cache_stats(agent.cache, actor).model_dump(mode="json"))


@router.post("/cache/warm-up", summary="Pre-answer the published FAQs")
async def warm_up_cache(actor: Admin, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    """Cache the answer of every published FAQ under its question and each variant."""
    added = await cache.warm_up(agent.cache, session, actor, embedder=await agent.embedder())
    return ok({"added": added, **agent.cache.stats(actor.tenant_id).model_dump(mode="json")})


@router.delete("/cache", summary="Clear the FAQ answer cache")
async def clear_cache(actor: Admin, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    """Drop every cached answer of the business."""
    return ok({"cleared": cache.clear_cache(agent.cache, session, actor)})


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


@router.get("/intents", summary="List the intents and their example phrases")
async def list_intents(actor: Reader, session: SessionDep) -> dict[str, Any]:
    """Every intent the agent routes on, how many phrases teach it per language, and whether they are yours."""
    return ok([item.model_dump(mode="json") for item in await intents.list_intents(session, actor)])


@router.get("/intents/{intent}", summary="Get an intent's example phrases")
async def read_intent(intent: str, actor: Reader, session: SessionDep) -> dict[str, Any]:
    """The phrases the agent learns the intent from, by language."""
    return ok((await intents.get_intent(session, actor, intent)).model_dump(mode="json"))


@router.put("/intents/{intent}", summary="Replace an intent's example phrases")
async def write_intent(
    intent: str, body: intents.IntentPhrasesIn, actor: Writer, session: SessionDep, agent: AgentDep
) -> dict[str, Any]:
    """Teach the agent your customers' own words; it retrains in the background, before the next turn."""
    detail = await intents.put_intent(session, actor, intent, body)
    agent.prepare_intents(actor.tenant_id, await intents.business_phrases(session, actor.tenant_id))
    return ok(detail.model_dump(mode="json"))


@router.delete("/intents/{intent}", summary="Go back to the packaged phrases of an intent")
async def reset_intent(intent: str, actor: Writer, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    """Drop your phrases for this intent; the packaged ones apply again."""
    detail = await intents.reset_intent(session, actor, intent)
    agent.prepare_intents(actor.tenant_id, await intents.business_phrases(session, actor.tenant_id))
    return ok(detail.model_dump(mode="json"))
