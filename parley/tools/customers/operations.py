"""Customer operations, declared once for REST, the agent and MCP."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.listing import Page
from parley.tools.customers import service
from parley.tools.customers.schemas import (
    CustomerCreate,
    CustomerFilter,
    CustomerId,
    CustomerOut,
    CustomerUpdate,
    OrderSummary,
)
from parley.tools.operation import Operation

__all__ = ["OPERATIONS"]

_BASE = "/api/v1/customers"
_TAGS = ("customers",)


class Deleted(BaseModel):
    """Confirmation of a deletion."""

    model_config = ConfigDict(extra="forbid")

    id: str
    deleted: bool = True


def _out(customer: Any) -> CustomerOut:
    return CustomerOut.model_validate(customer, from_attributes=True)


async def _create(session: AsyncSession, actor: Actor, data: CustomerCreate) -> CustomerOut:
    return _out(await service.create_customer(session, actor, data=data))


async def _list(session: AsyncSession, actor: Actor, data: CustomerFilter) -> Page[CustomerOut]:
    return await service.list_customers(session, actor, filters=data)


async def _get(session: AsyncSession, actor: Actor, data: CustomerId) -> CustomerOut:
    actor.require("customers:read")
    return _out(await service.get_customer(session, data.customer_id))


async def _update(session: AsyncSession, actor: Actor, data: CustomerUpdate) -> CustomerOut:
    return _out(await service.update_customer(session, actor, data.customer_id, data=data))


async def _delete(session: AsyncSession, actor: Actor, data: CustomerId) -> Deleted:
    await service.delete_customer(session, actor, data.customer_id)
    return Deleted(id=str(data.customer_id))


async def _summary(session: AsyncSession, actor: Actor, data: CustomerId) -> OrderSummary:
    return await service.customer_order_summary(session, actor, data.customer_id)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="search_customers",
        description="Find customers by name, email, phone or company, optionally by tier. Returns one page.",
        input=CustomerFilter,
        output=Page[CustomerOut],
        scope="customers:read",
        method="GET",
        path=_BASE,
        handler=_list,
        tags=_TAGS,
    ),
    Operation(
        name="create_customer",
        description="Add a customer with name and optional email, phone, company and tier.",
        input=CustomerCreate,
        output=CustomerOut,
        scope="customers:write",
        method="POST",
        path=_BASE,
        handler=_create,
        events=("customer.created",),
        status_code=201,
        tags=_TAGS,
    ),
    Operation(
        name="get_customer",
        description="Get one customer by id.",
        input=CustomerId,
        output=CustomerOut,
        scope="customers:read",
        method="GET",
        path=f"{_BASE}/{{customer_id}}",
        handler=_get,
        tags=_TAGS,
    ),
    Operation(
        name="update_customer",
        description="Change fields of a customer; omitted fields stay as they are.",
        input=CustomerUpdate,
        output=CustomerOut,
        scope="customers:write",
        method="PATCH",
        path=f"{_BASE}/{{customer_id}}",
        handler=_update,
        events=("customer.updated",),
        tags=_TAGS,
    ),
    Operation(
        name="delete_customer",
        description="Delete a customer.",
        input=CustomerId,
        output=Deleted,
        scope="customers:write",
        method="DELETE",
        path=f"{_BASE}/{{customer_id}}",
        handler=_delete,
        events=("customer.deleted",),
        tags=_TAGS,
    ),
    Operation(
        name="get_customer_order_summary",
        description="A customer's number of orders, total spent and last order date.",
        input=CustomerId,
        output=OrderSummary,
        scope="customers:read",
        method="GET",
        path=f"{_BASE}/{{customer_id}}/order-summary",
        handler=_summary,
        tags=_TAGS,
    ),
)
