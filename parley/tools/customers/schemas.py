"""Typed inputs and outputs of the customer operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

__all__ = [
    "Address",
    "CustomerCreate",
    "CustomerFilter",
    "CustomerId",
    "CustomerOut",
    "CustomerUpdate",
    "OrderSummary",
]

Tier = Literal["bronze", "silver", "gold"]
_FORBID = ConfigDict(extra="forbid")


class Address(BaseModel):
    """A shipping address."""

    model_config = _FORBID

    name: str = Field("", max_length=255)
    address1: str = Field(min_length=1, max_length=255)
    address2: str = Field("", max_length=255)
    city: str = Field(min_length=1, max_length=128)
    state: str = Field("", max_length=128)
    zip: str = Field(min_length=1, max_length=32)
    country: str = Field(min_length=2, max_length=64)


class CustomerCreate(BaseModel):
    """A new customer."""

    model_config = _FORBID

    name: str = Field(min_length=1, max_length=255)
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=32, pattern=r"^\+?[0-9 ()-]{5,32}$")
    company: str = Field("", max_length=255)
    tier: Tier = "bronze"
    notes: str = Field("", max_length=5_000)
    address: Address | None = Field(None, description="Default shipping address.")


class CustomerUpdate(BaseModel):
    """Changes to a customer; omitted fields stay as they are."""

    model_config = _FORBID

    customer_id: uuid.UUID
    name: str | None = Field(None, min_length=1, max_length=255)
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=32, pattern=r"^\+?[0-9 ()-]{5,32}$")
    company: str | None = Field(None, max_length=255)
    tier: Tier | None = None
    notes: str | None = Field(None, max_length=5_000)
    address: Address | None = Field(None, description="Default shipping address.")


class CustomerId(BaseModel):
    """One customer."""

    model_config = _FORBID

    customer_id: uuid.UUID = Field(description="The customer's id.")


class CustomerFilter(BaseModel):
    """Search, tier filter, sort and page of the customer list."""

    model_config = _FORBID

    search: str | None = Field(
        None, max_length=200, description="Words in the name, email, phone or company."
    )
    tier: Tier | None = None
    sort: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=1_000_000)
    limit: int = Field(20, ge=1, le=100)


class CustomerOut(BaseModel):
    """A customer as callers see it."""

    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None
    company: str
    tier: Tier
    notes: str
    address: dict[str, str] | None = None
    created_at: datetime
    updated_at: datetime


class OrderSummary(BaseModel):
    """A customer's order history in numbers."""

    customer_id: uuid.UUID
    order_count: int
    total_spent: Decimal
    currency: str
    last_order_at: datetime | None
