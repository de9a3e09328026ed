"""Every table of Parley, imported in one place so Alembic and tests see the whole schema."""

from parley.core.audit import AuditEntry
from parley.core.db import Base
from parley.core.events import DomainEvent
from parley.identity.models import ApiKey, RefreshToken, Tenant, User
from parley.knowledge.kb.models import Article, Faq, IngestJob
from parley.tools.customers.models import Customer
from parley.tools.products.models import Product
from parley.tools.stock.models import StockLevel, StockMovement, StockReservation

__all__ = [
    "ApiKey",
    "Article",
    "AuditEntry",
    "Base",
    "Customer",
    "DomainEvent",
    "Faq",
    "IngestJob",
    "Product",
    "RefreshToken",
    "StockLevel",
    "StockMovement",
    "StockReservation",
    "Tenant",
    "User",
]
