"""``parley ingest PATH``: every file type, a clear error per bad file, the rest ingested and searchable."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.core.settings import Settings
from parley.knowledge.documents import DocumentKind
from parley.knowledge.filters import SearchFilters
from parley.runtime import Runtime

pytestmark = pytest.mark.slow


def _pdf(*lines: str) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number, line in enumerate(lines):
        pdf.drawString(72, 720 - 20 * number, line)
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "guides").mkdir(parents=True)
    (folder / "returns.md").write_text(
        "# Returns\n\n## Window\n\nReturn unused parts within 30 days for a refund.\n"
    )
    (folder / "guides" / "anodising.html").write_text(
        "<html><head><title>Anodising</title></head><body><h1>Anodising</h1>"
        "<p>We anodise aluminium parts in black or natural colour.</p><script>alert(1)</script></body></html>"
    )
    (folder / "opening-hours.txt").write_text(
        "Opening hours\n\nThe workshop is open Monday to Friday, 7 to 16."
    )
    (folder / "spindles.pdf").write_bytes(
        _pdf("Spindle maintenance", "Grease the spindle bearings every 500 hours.")
    )
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "price-list.docx").write_bytes(b"PK\x03\x04")
    (folder / ".hidden.md").write_text("# Hidden\n\nnever ingested")
    return folder


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PARLEY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'var' / 'parley.db'}")
    monkeypatch.setenv("PARLEY_ENVIRONMENT", "test")
    runner = CliRunner()
    for command in (["db", "upgrade"], ["db", "seed"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    return Settings(_env_file=None)


def _search(settings: Settings, text: str) -> list[str]:
    async def run() -> list[str]:
        runtime = Runtime.build(settings)
        try:
            async with runtime.db.system_session() as session:
                from sqlalchemy import select

                from parley.identity.models import Tenant

                tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == "demo"))
            filters = SearchFilters(tenant_id=str(tenant_id), kinds=(DocumentKind.ARTICLE,))
            results = await runtime.knowledge.search(text, filters=filters, limit=3)
            return [hit.title for hit in results.hits]
        finally:
            await runtime.close()

    return asyncio.run(run())


def test_a_folder_is_ingested_file_by_file_and_becomes_searchable(docs: Path, cli_env: Settings) -> None:
    result = CliRunner().invoke(app, ["ingest", str(docs), "--category", "help"])

    assert result.exit_code == 1, result.output  # some files failed, and the exit code says so
    out = " ".join(result.output.split())
    assert "job " in out and "4 ingested or unchanged, 3 failed" in out
    failures = {
        line.split(": ", 1)[0].rsplit("/", 1)[-1]: line
        for line in result.output.splitlines()
        if ": " in line and line.startswith("failed")
    }
    assert set(failures) == {"broken.pdf", "empty.txt", "price-list.docx"}, result.output
    assert "PDF" in failures["broken.pdf"]
    assert "empty" in failures["empty.txt"].split(": ", 1)[1]
    assert "unsupported file type .docx" in failures["price-list.docx"]
    assert "hidden" not in out.lower()
    assert "index: " in out and "documents indexed" in out

    assert _search(cli_env, "how often should I grease the spindle bearings?")[0] == "Spindle maintenance"
    assert _search(cli_env, "can you anodise aluminium in black?")[0] == "Anodising"

    again = CliRunner().invoke(app, ["ingest", str(docs / "returns.md")])
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output and "0 documents indexed" in " ".join(again.output.split())


def test_an_unknown_business_or_an_empty_folder_is_refused(tmp_path: Path, cli_env: Settings) -> None:
    (tmp_path / "nothing").mkdir()
    empty = CliRunner().invoke(app, ["ingest", str(tmp_path / "nothing")])
    assert empty.exit_code == 1 and "no files" in empty.output
    (tmp_path / "a.md").write_text("# A\n\ntext")
    unknown = CliRunner().invoke(app, ["ingest", str(tmp_path / "a.md"), "--business", "nope"])
    assert unknown.exit_code == 2 and "no business with the slug 'nope'" in unknown.output
