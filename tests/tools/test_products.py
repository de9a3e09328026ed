"""The catalog through REST: CRUD, filters, soft delete, import and export."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile

import httpx
import pytest
from openpyxl import Workbook

from parley.identity.roles import Role
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_product, set_stock


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


async def test_a_product_is_created_read_updated_and_soft_deleted(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await make_product(client, admin, price="12.5", vat_rate="21", attributes={"thread": "M8"})
    assert created["currency"] == "EUR"
    assert created["price"] == "12.5000"
    url = f"/api/v1/products/{created['id']}"
    patched = await client.patch(url, json={"price": "13", "status": "draft"}, headers=admin)
    assert patched.status_code == 200
    assert patched.json()["data"]["price"] == "13.0000"
    assert patched.json()["data"]["name"] == "Hex bolt M8"
    assert (await client.delete(url, headers=admin)).status_code == 200
    assert (await client.get(url, headers=admin)).json()["error"]["code"] == "RES_NOT_FOUND"
    listed = (await client.get("/api/v1/products", headers=admin)).json()
    assert listed["data"] == []
    again = await make_product(client, admin)
    assert again["sku"] == "BOLT-M8"


async def test_a_duplicate_sku_is_a_conflict(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    await make_product(client, admin)
    response = await client.post(
        "/api/v1/products", json={"sku": "BOLT-M8", "name": "Other", "price": "1"}, headers=admin
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "RES_ALREADY_EXISTS"


async def test_an_unknown_field_is_refused(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/products", json={"sku": "A", "name": "A", "price": "1", "colour": "red"}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VAL_UNKNOWN_FIELD"


async def test_the_list_filters_by_category_status_price_stock_and_words(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    bolt = await make_product(client, admin, sku="B-1", name="Hex bolt", category="fasteners", price="0.50")
    await make_product(
        client, admin, sku="N-1", name="Nut", category="fasteners", price="0.10", status="draft"
    )
    await make_product(
        client,
        admin,
        sku="D-1",
        name="Drill",
        category="tools",
        price="99",
        description="cordless bolt driver",
    )
    await set_stock(client, admin, bolt["id"], 5)

    async def skus(**params: object) -> list[str]:
        response = await client.get("/api/v1/products", params=params, headers=admin)
        assert response.status_code == 200, response.text
        return [item["sku"] for item in response.json()["data"]]

    assert await skus(category="fasteners", sort="sku") == ["B-1", "N-1"]
    assert await skus(status="draft") == ["N-1"]
    assert await skus(min_price="0.2", max_price="1") == ["B-1"]
    assert await skus(in_stock="true") == ["B-1"]
    assert await skus(in_stock="false", sort="-price") == ["D-1", "N-1"]
    assert await skus(search="bolt", sort="sku") == ["B-1", "D-1"]
    page = (await client.get("/api/v1/products", params={"limit": 2, "page": 2}, headers=admin)).json()
    assert page["meta"]["pagination"]["total"] == 3
    assert len(page["data"]) == 1
    bad_sort = await client.get("/api/v1/products", params={"sort": "secret"}, headers=admin)
    assert bad_sort.status_code == 422


async def test_the_categories_count_the_active_products_largest_first(
    client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    await make_product(client, admin, sku="B-1", category="Fasteners")
    await make_product(client, admin, sku="B-2", category="Fasteners")
    await make_product(client, admin, sku="B-3", category="Fasteners", status="draft")
    drill = await make_product(client, admin, sku="D-1", category="Cutting tools")
    await make_product(client, admin, sku="D-2", category="Cutting tools")
    await make_product(client, admin, sku="V-1", category="Workholding")
    await make_product(client, admin, sku="X-1")
    assert (await client.delete(f"/api/v1/products/{drill['id']}", headers=admin)).status_code == 200
    response = await client.get("/api/v1/products/categories", headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["items"] == [
        {"name": "Fasteners", "products": 2},
        {"name": "Cutting tools", "products": 1},
        {"name": "Workholding", "products": 1},
    ]
    other = await login(client, tenants.other_admin_email)
    assert (await client.get("/api/v1/products/categories", headers=other)).json()["data"]["items"] == []


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


_ROWS = [
    {"Code": "A-1", "Title": "Anchor", "Cost": "1.20", "Group": "fixings"},
    {"Code": "A-2", "Title": "", "Cost": "2.00", "Group": "fixings"},
    {"Code": "A-3", "Title": "Angle", "Cost": "cheap", "Group": "fixings"},
    {"Code": "A-4", "Title": "Axle", "Cost": "7", "Group": "parts"},
]
_MAPPING = {"Code": "sku", "Title": "name", "Cost": "price", "Group": "category"}


async def test_an_import_reports_bad_rows_by_number_and_imports_the_good_ones(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = {"format": "csv", "content": _csv(_ROWS), "mapping": _MAPPING}
    response = await client.post("/api/v1/products/import", json=body, headers=admin)
    assert response.status_code == 200, response.text
    result = response.json()["data"]
    assert (result["created"], result["failed"]) == (2, 2)
    assert [(error["row"], error["sku"]) for error in result["errors"]] == [(3, "A-2"), (4, "A-3")]
    assert "name" in result["errors"][0]["errors"][0]
    listed = (await client.get("/api/v1/products", params={"sort": "sku"}, headers=admin)).json()["data"]
    assert [item["sku"] for item in listed] == ["A-1", "A-4"]


async def test_a_dry_run_imports_nothing(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    body = {"format": "csv", "content": _csv(_ROWS), "mapping": _MAPPING, "dry_run": True}
    result = (await client.post("/api/v1/products/import", json=body, headers=admin)).json()["data"]
    assert (result["dry_run"], result["created"], result["failed"]) == (True, 2, 2)
    assert (await client.get("/api/v1/products", headers=admin)).json()["data"] == []


async def test_an_xlsx_import_updates_existing_skus_when_asked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await make_product(client, admin, sku="X-1", name="Old name", price="1")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sku", "name", "price"])
    sheet.append(["X-1", "New name", 2.5])
    sheet.append(["X-2", "Second", 3])
    raw = io.BytesIO()
    workbook.save(raw)
    content = base64.b64encode(raw.getvalue()).decode()
    refused = await client.post(
        "/api/v1/products/import", json={"format": "xlsx", "content": content}, headers=admin
    )
    assert refused.json()["data"]["errors"] == [{"row": 2, "sku": "X-1", "errors": ["sku: exists already"]}]
    assert refused.json()["data"]["created"] == 1
    body = {"format": "xlsx", "content": content, "update_existing": True}
    result = (await client.post("/api/v1/products/import", json=body, headers=admin)).json()["data"]
    assert (result["created"], result["updated"], result["failed"]) == (0, 2, 0)
    listed = (await client.get("/api/v1/products", params={"sort": "sku"}, headers=admin)).json()["data"]
    assert [(item["sku"], item["name"], item["price"]) for item in listed] == [
        ("X-1", "New name", "2.5000"),
        ("X-2", "Second", "3.0000"),
    ]


def _xlsx_with_a_cut_sheet() -> str:
    workbook = Workbook()
    workbook.active.append(["sku", "name", "price"])
    workbook.active.append(["X-1", "Cut", 1])
    whole, cut = io.BytesIO(), io.BytesIO()
    workbook.save(whole)
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(cut, "w") as target:
        for name in source.namelist():
            part = source.read(name)
            target.writestr(name, part[: len(part) // 2] if name.endswith("sheet1.xml") else part)
    return base64.b64encode(cut.getvalue()).decode()


@pytest.mark.parametrize(
    ("file_format", "content"),
    [
        ("xlsx", ""),
        ("xlsx", base64.b64encode(b"name,price\nBolt,1").decode()),
        ("xlsx", "not base64 at all"),
        ("xlsx", _xlsx_with_a_cut_sheet()),
        ("csv", 'sku,name,price\nA-1,First,1\nA-2,"' + "x" * 200_000 + '",2\n'),
    ],
    ids=["empty", "csv-not-xlsx", "not-base64", "cut-sheet", "csv-field-too-long"],
)
async def test_a_file_that_cannot_be_read_is_refused_by_name_and_imports_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], file_format: str, content: str
) -> None:
    response = await client.post(
        "/api/v1/products/import", json={"format": file_format, "content": content}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "content"
    assert (await client.get("/api/v1/products", headers=admin)).json()["data"] == []


async def test_the_catalog_exports_as_csv_and_json(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    await make_product(client, admin, sku="E-1", name="Export me", price="4.2", attributes={"k": "v"})
    as_csv = await client.get("/api/v1/products/export", headers=admin)
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows[0]["sku"] == "E-1" and rows[0]["price"] == "4.2000"
    assert json.loads(rows[0]["attributes"]) == {"k": "v"}
    as_json = await client.get("/api/v1/products/export", params={"format": "json"}, headers=admin)
    assert [item["sku"] for item in as_json.json()] == ["E-1"]


async def test_product_writes_are_audited_and_emit_events(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await make_product(client, admin)
    await client.patch(f"/api/v1/products/{created['id']}", json={"name": "Renamed"}, headers=admin)
    await client.delete(f"/api/v1/products/{created['id']}", headers=admin)
    audit = (await client.get("/api/v1/admin/audit", headers=admin)).json()["data"]
    actions = [entry["action"] for entry in audit if entry["entity_type"] == "product"]
    assert sorted(actions) == ["product.create", "product.delete", "product.update"]
    update = next(entry for entry in audit if entry["action"] == "product.update")
    assert (update["before"]["name"], update["after"]["name"]) == ("Hex bolt M8", "Renamed")
