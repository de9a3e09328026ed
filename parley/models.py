"""Every table of Parley, imported in one place so Alembic and tests see the whole schema."""

from parley.agent.conversations.models import Conversation, Message, ReplyTemplate
from parley.channels.models import ChannelAccount, InboundReceipt, OutboxMessage
from parley.core.audit import AuditEntry
from parley.core.db import Base
from parley.core.events import DomainEvent
from parley.identity.models import ApiKey, RefreshToken, Tenant, User
from parley.knowledge.kb.models import Article, Faq, IngestJob
from parley.tools.approvals.models import Approval, ApprovalComment
from parley.tools.customers.models import Customer
from parley.tools.invoices.models import Invoice, InvoiceLine
from parley.tools.numbering.models import DocumentCounter
from parley.tools.orders.models import Order, OrderLine
from parley.tools.payments.models import Payment, PaymentAllocation
from parley.tools.pricing.models import PricingRule
from parley.tools.products.models import Product
from parley.tools.quotations.models import Quotation, QuotationLine
from parley.tools.stock.models import StockLevel, StockMovement, StockReservation

__all__ = [
    "ApiKey",
    "Approval",
    "ApprovalComment",
    "Article",
    "AuditEntry",
    "Base",
    "ChannelAccount",
    "Conversation",
    "Customer",
    "DocumentCounter",
    "DomainEvent",
    "Faq",
    "InboundReceipt",
    "IngestJob",
    "Invoice",
    "InvoiceLine",
    "Message",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "Payment",
    "PaymentAllocation",
    "PricingRule",
    "Product",
    "Quotation",
    "QuotationLine",
    "RefreshToken",
    "ReplyTemplate",
    "StockLevel",
    "StockMovement",
    "StockReservation",
    "Tenant",
    "User",
]
