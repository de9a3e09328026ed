"""Staff manage articles and FAQs and upload files; every write is audited and announced."""

from __future__ import annotations

import asyncio
import io

import httpx
import pytest

from parley.identity.roles import Role
from tests.support.tenants import SeededTenants, login


@pytest.fixture
async def manager(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.SALES_MANAGER])


async def _wait_for_job(client: httpx.AsyncClient, headers: dict[str, str], job_id: str) -> dict:
    for _ in range(200):
        job = (await client.get(f"/api/v1/knowledge-base/jobs/{job_id}", headers=headers)).json()["data"]
        if job["status"] in ("completed", "failed"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(f"job {job_id} did not finish")


async def test_a_manager_writes_an_article_and_finds_it_by_filter_and_search(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    body = {
        "title": "Payment methods",
        "content": "# Payment\n\nWe accept bank transfer (SEPA) and credit cards.",
        "category": "billing",
        "tags": ["payment", "sepa"],
        "status": "published",
    }
    created = await client.post("/api/v1/knowledge-base/articles", json=body, headers=manager)
    assert created.status_code == 201
    article_id = created.json()["data"]["id"]
    await client.post(
        "/api/v1/knowledge-base/articles",
        json={"title": "Shipping", "content": "We ship in 2 days.", "category": "delivery"},
        headers=manager,
    )
    by_tag = (
        await client.get("/api/v1/knowledge-base/articles", params={"tag": "sepa"}, headers=manager)
    ).json()
    assert [item["id"] for item in by_tag["data"]] == [article_id]
    by_search = await client.get(
        "/api/v1/knowledge-base/articles", params={"search": "transfer"}, headers=manager
    )
    assert [item["title"] for item in by_search.json()["data"]] == ["Payment methods"]
    drafts = await client.get("/api/v1/knowledge-base/articles", params={"status": "draft"}, headers=manager)
    assert [item["title"] for item in drafts.json()["data"]] == ["Shipping"]


async def test_article_changes_and_deletes_are_audited_and_emit_events(
    client: httpx.AsyncClient, manager: dict[str, str], tenants: SeededTenants
) -> None:
    from sqlalchemy import select

    from parley.core.events import DomainEvent

    created = await client.post(
        "/api/v1/knowledge-base/articles", json={"title": "Returns", "content": "30 days."}, headers=manager
    )
    article_id = created.json()["data"]["id"]
    patched = await client.patch(
        f"/api/v1/knowledge-base/articles/{article_id}", json={"status": "published"}, headers=manager
    )
    assert patched.json()["data"]["status"] == "published"
    assert (
        await client.delete(f"/api/v1/knowledge-base/articles/{article_id}", headers=manager)
    ).status_code == 200
    assert (
        await client.get(f"/api/v1/knowledge-base/articles/{article_id}", headers=manager)
    ).status_code == 404

    runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]
    async with runtime.db.session(tenants.demo_id) as session:
        types = list(
            await session.scalars(select(DomainEvent.type).where(DomainEvent.entity_id == article_id))
        )
    assert sorted(types) == ["article.created", "article.deleted", "article.updated"]
    admin = await login(client, tenants.emails[Role.ADMIN])
    audit = (await client.get("/api/v1/admin/audit", params={"entity_id": article_id}, headers=admin)).json()
    assert {entry["action"] for entry in audit["data"]} == {
        "article.create",
        "article.update",
        "article.delete",
    }


async def test_faqs_keep_their_question_variants(client: httpx.AsyncClient, manager: dict[str, str]) -> None:
    body = {
        "question": "Can I pay by bank transfer?",
        "answer": "Yes, SEPA transfer within 14 days.",
        "variants": ["do you take wire transfers", "SEPA payment possible?"],
        "category": "billing",
    }
    created = await client.post("/api/v1/knowledge-base/faqs", json=body, headers=manager)
    assert created.status_code == 201
    faq = created.json()["data"]
    assert faq["variants"] == body["variants"]
    assert faq["status"] == "published"
    listed = await client.get("/api/v1/knowledge-base/faqs", params={"search": "bank"}, headers=manager)
    assert [item["id"] for item in listed.json()["data"]] == [faq["id"]]


async def test_a_viewer_reads_but_cannot_write_the_knowledge_base(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    viewer = await login(client, tenants.emails[Role.VIEWER])
    assert (await client.get("/api/v1/knowledge-base/faqs", headers=viewer)).status_code == 200
    refused = await client.post(
        "/api/v1/knowledge-base/faqs", json={"question": "Why?", "answer": "Because."}, headers=viewer
    )
    assert refused.status_code == 403


async def test_an_upload_ingests_good_files_and_reports_each_bad_one(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    files = [
        ("files", ("warranty.md", b"# Warranty\n\nTwo years on all spindles.", "text/markdown")),
        ("files", ("empty.txt", b"", "text/plain")),
        ("files", ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "application/pdf")),
        (
            "files",
            (
                "page.html",
                b"<html><title>Opening hours</title><body><p>Mon-Fri 8-17</p></body></html>",
                "text/html",
            ),
        ),
        ("files", ("notes.docx", b"PK\x03\x04", "application/octet-stream")),
    ]
    response = await client.post("/api/v1/knowledge-base/upload", files=files, headers=manager)
    assert response.status_code == 202
    job = await _wait_for_job(client, manager, response.json()["data"]["job_id"])
    outcomes = {result["source"]: result for result in job["results"]}
    assert outcomes["upload:warranty.md"]["status"] == "ingested"
    assert outcomes["upload:page.html"]["status"] == "ingested"
    assert "empty" in outcomes["upload:empty.txt"]["error"]
    assert "PDF" in outcomes["upload:broken.pdf"]["error"]
    assert "unsupported" in outcomes["upload:notes.docx"]["error"]
    assert (job["done"], job["failed"], job["status"]) == (2, 3, "completed")
    titles = {
        a["title"]
        for a in (await client.get("/api/v1/knowledge-base/articles", headers=manager)).json()["data"]
    }
    assert titles == {"Warranty", "Opening hours"}


async def test_uploading_the_same_file_again_changes_nothing(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    files = [("files", ("faq.md", b"# Delivery\n\nNext day in Germany.", "text/markdown"))]
    first = (await client.post("/api/v1/knowledge-base/upload", files=files, headers=manager)).json()["data"]
    await _wait_for_job(client, manager, first["job_id"])
    second = (await client.post("/api/v1/knowledge-base/upload", files=files, headers=manager)).json()["data"]
    job = await _wait_for_job(client, manager, second["job_id"])
    assert job["results"][0]["status"] == "unchanged"


def test_a_real_pdf_is_read(tmp_path) -> None:
    from reportlab.pdfgen import canvas

    from parley.knowledge.kb.files import read_document

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Spindle maintenance guide")
    pdf.drawString(72, 700, "Grease the bearings every 500 hours.")
    pdf.save()
    document = read_document("guide.pdf", buffer.getvalue())
    assert document.title == "Spindle maintenance guide"
    assert "500 hours" in document.content
