"""Product and knowledge-base search through the API, on the demo shop, kept fresh by domain events."""

from __future__ import annotations

import httpx
import pytest

from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.support.tenants import SeededTenants, login

#: Ranking and validation do not depend on the database; the event-driven re-indexing and the tenant
#: isolation tests run on both backends.
pytestmark = pytest.mark.backend("sqlite")
BOTH = pytest.mark.backend("sqlite", "postgresql")

MODES = ("dense", "keyword", "hybrid")


@pytest.fixture
async def shop(runtime: Runtime, demo_shop: SeededTenants) -> SeededTenants:
    """The demo shop, indexed, with the index listening for changes as the server's does."""
    runtime.knowledge.listen()
    report = await runtime.knowledge.sync(demo_shop.demo_id)
    assert report.indexed > 190
    return demo_shop


@pytest.fixture
async def manager(client: httpx.AsyncClient, shop: SeededTenants) -> dict[str, str]:
    return await login(client, shop.emails[Role.SALES_MANAGER])


async def _products(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> dict:
    response = await client.post("/api/v1/products/search", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _skus(found: dict) -> list[str]:
    return [hit["product"]["sku"] for hit in found["results"]]


async def test_product_search_ranks_by_meaning_and_words_within_the_filters(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    found = await _products(client, manager, query="M8 x 40 hex bolts stainless A2")
    top = found["results"][0]
    assert top["product"]["sku"] == "HB-M8x40-A2"
    catalog = (await client.get(f"/api/v1/products/{top['product']['id']}", headers=manager)).json()["data"]
    assert top["product"]["price"] == catalog["price"]
    assert any("<mark>" in fragment for fragment in top["highlights"])
    assert found["mode"] == "hybrid" and found["total"] == len(found["results"])

    for mode in MODES:
        ranked = await _products(client, manager, query="hex nut M10 stainless", mode=mode, limit=5)
        assert ranked["mode"] == mode and 1 <= len(ranked["results"]) <= 5
        assert ranked["results"][0]["product"]["sku"] == "HN-M10-A2", mode
        scores = [hit["score"] for hit in ranked["results"]]
        assert scores == sorted(scores, reverse=True) and ranked["search_time_ms"] >= 0

    filtered = await _products(
        client,
        manager,
        query="bolt",
        category="Fasteners",
        min_price="2",
        max_price="20",
        in_stock=True,
        limit=50,
    )
    assert filtered["results"]
    for hit in filtered["results"]:
        product = hit["product"]
        assert product["category"] == "Fasteners"
        assert 2 <= float(product["price"]) <= 20
        stock = (await client.get(f"/api/v1/stock/{product['id']}", headers=manager)).json()["data"]
        assert stock["available"] > 0


BAD_PRODUCT_SEARCHES = [
    {"query": ""},
    {"query": "bolt", "min_price": "10", "max_price": "5"},
    {"query": "bolt", "limit": 0},
    {"query": "bolt", "mode": "fuzzy"},
    {"query": "bolt", "colour": "red"},
    {"query": "x" * 501},
]
BAD_KNOWLEDGE_SEARCHES = [{}, {"q": "pay", "limit": 0}, {"q": "pay", "kind": "product"}]


async def test_a_bad_search_gets_a_validation_error(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    responses = [
        await client.post("/api/v1/products/search", json=body, headers=manager)
        for body in BAD_PRODUCT_SEARCHES
    ]
    responses += [
        await client.get("/api/v1/knowledge-base/search", params=params, headers=manager)
        for params in BAD_KNOWLEDGE_SEARCHES
    ]
    for response in responses:
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"].startswith("VAL_") and error["message"]


@BOTH
async def test_a_new_product_is_found_a_renamed_one_by_its_new_name_and_a_deleted_one_never(
    client: httpx.AsyncClient, manager: dict[str, str], runtime: Runtime
) -> None:
    created = await client.post(
        "/api/v1/products",
        json={
            "sku": "TI-G5-8",
            "name": "Titanium plate grade 5, 8 mm",
            "category": "Plates",
            "price": "89.00",
        },
        headers=manager,
    )
    assert created.status_code == 201, created.text
    product_id = created.json()["data"]["id"]
    await runtime.knowledge.drain()
    assert "TI-G5-8" in _skus(await _products(client, manager, query="titanium plate"))

    renamed = await client.patch(
        f"/api/v1/products/{product_id}", json={"name": "Zirconium sheet 8 mm"}, headers=manager
    )
    assert renamed.status_code == 200, renamed.text
    await runtime.knowledge.drain()
    assert _skus(await _products(client, manager, query="zirconium sheet", mode="keyword"))[0] == "TI-G5-8"

    deleted = await client.delete(f"/api/v1/products/{product_id}", headers=manager)
    assert deleted.status_code == 200, deleted.text
    await runtime.knowledge.drain()
    for mode in MODES:
        assert "TI-G5-8" not in _skus(await _products(client, manager, query="zirconium sheet", mode=mode))


async def test_a_sold_out_product_leaves_in_stock_results(
    client: httpx.AsyncClient, manager: dict[str, str], runtime: Runtime
) -> None:
    query = {"query": "hex bolt M8 x 40 stainless A2", "mode": "keyword", "limit": 3}
    in_stock = await _products(client, manager, **query, in_stock=True)
    top = in_stock["results"][0]["product"]
    assert top["sku"] == "HB-M8x40-A2"
    sold_out = await client.post(
        f"/api/v1/stock/{top['id']}/adjust",
        json={"mode": "set", "quantity": 0, "reason": "count"},
        headers=manager,
    )
    assert sold_out.status_code == 200, sold_out.text
    await runtime.knowledge.drain()
    assert "HB-M8x40-A2" not in _skus(await _products(client, manager, **query, in_stock=True))
    assert "HB-M8x40-A2" in _skus(await _products(client, manager, **query))


@BOTH
async def test_a_search_never_sees_another_business(
    client: httpx.AsyncClient, manager: dict[str, str], shop: SeededTenants, runtime: Runtime
) -> None:
    other = await login(client, shop.other_admin_email)
    assert (await _products(client, other, query="hex bolt"))["results"] == []
    created = await client.post(
        "/api/v1/products",
        json={"sku": "OTHER-BOLT", "name": "Hex bolt special M8", "category": "Fasteners", "price": "1.00"},
        headers=other,
    )
    assert created.status_code == 201, created.text
    await runtime.knowledge.drain()
    assert _skus(await _products(client, other, query="hex bolt M8")) == ["OTHER-BOLT"]
    assert "OTHER-BOLT" not in _skus(await _products(client, manager, query="hex bolt special M8", limit=50))


async def _knowledge(client: httpx.AsyncClient, headers: dict[str, str], **params: object) -> dict:
    response = await client.get("/api/v1/knowledge-base/search", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_a_question_finds_the_faq_and_the_article_that_answer_it(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    faq = (await _knowledge(client, manager, q="can I pay by bank transfer?", kind="faq"))["results"][0]
    assert faq["title"] == "Can I pay by bank transfer?"
    article = (await _knowledge(client, manager, q="which payment methods do you accept", kind="article"))[
        "results"
    ][0]
    assert "bank transfer" in article["text"].lower()
    assert {hit["kind"] for hit in (await _knowledge(client, manager, q="payment", limit=10))["results"]} <= {
        "article",
        "faq",
    }


async def test_published_articles_are_found_drafts_and_deleted_ones_are_not(
    client: httpx.AsyncClient, manager: dict[str, str], runtime: Runtime
) -> None:
    published = await client.post(
        "/api/v1/knowledge-base/articles",
        json={
            "title": "Anodising service",
            "content": "We anodise aluminium parts in black and silver.",
            "status": "published",
        },
        headers=manager,
    )
    draft = await client.post(
        "/api/v1/knowledge-base/articles",
        json={"title": "Powder coating", "content": "Powder coating in any RAL colour.", "status": "draft"},
        headers=manager,
    )
    assert published.status_code == draft.status_code == 201
    await runtime.knowledge.drain()
    titles = [
        hit["title"] for hit in (await _knowledge(client, manager, q="anodise powder coating"))["results"]
    ]
    assert "Anodising service" in titles and "Powder coating" not in titles

    await client.delete(f"/api/v1/knowledge-base/articles/{published.json()['data']['id']}", headers=manager)
    await runtime.knowledge.drain()
    titles = [hit["title"] for hit in (await _knowledge(client, manager, q="anodise aluminium"))["results"]]
    assert "Anodising service" not in titles
