"""A rendered document (PDF) as an operation result: base64 for tools, raw bytes with a media type for REST."""

from __future__ import annotations

import base64
import uuid

from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["RenderedPdf", "names_for", "pdf_response"]


class RenderedPdf(BaseModel):
    """A PDF document."""

    number: str
    filename: str
    media_type: str = "application/pdf"
    content_base64: str

    @classmethod
    def of(cls, number: str, content: bytes) -> RenderedPdf:
        """Wrap PDF bytes."""
        return cls(number=number, filename=f"{number}.pdf", content_base64=base64.b64encode(content).decode())


def pdf_response(result: RenderedPdf) -> Response:
    """The REST answer: the PDF itself."""
    return Response(
        base64.b64decode(result.content_base64),
        media_type=result.media_type,
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
    )


async def names_for(session: AsyncSession, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> tuple[str, str]:
    """The business's and the customer's names, for a document's header."""
    from parley.identity.models import Tenant
    from parley.tools.customers.models import Customer

    business = await session.scalar(select(Tenant.name).where(Tenant.id == tenant_id)) or ""
    customer = await session.scalar(select(Customer).where(Customer.id == customer_id))
    label = "" if customer is None else customer.name + (f" ({customer.company})" if customer.company else "")
    return business, label
