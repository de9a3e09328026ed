"""Small helpers for the business-module tests."""

from __future__ import annotations

from typing import Any

import httpx


async def make_product(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"sku": "BOLT-M8", "name": "Hex bolt M8", "price": "0.25"} | fields
    response = await client.post("/api/v1/products", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def set_stock(
    client: httpx.AsyncClient, headers: dict[str, str], product_id: str, quantity: int, **extra: Any
) -> dict[str, Any]:
    body = {"mode": "set", "quantity": quantity, "reason": "count"} | extra
    response = await client.post(f"/api/v1/stock/{product_id}/adjust", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def make_customer(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"name": "Acme Machining", "tier": "bronze"} | fields
    response = await client.post("/api/v1/customers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def make_quotation(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    customer_id: str,
    lines: list[dict[str, Any]],
    **fields: Any,
) -> dict[str, Any]:
    body = {"customer_id": customer_id, "lines": lines} | fields
    response = await client.post("/api/v1/quotations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def make_order(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    customer_id: str,
    lines: list[dict[str, Any]],
    **fields: Any,
) -> dict[str, Any]:
    body = {"customer_id": customer_id, "lines": lines, "payment_method": "bank_transfer"} | fields
    response = await client.post("/api/v1/orders", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]
