"""``parley ingest PATH``: load files into a business's knowledge base, with a progress bar, then index them."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from parley.core.actor import Actor, ActorKind
from parley.core.settings import Settings

if TYPE_CHECKING:
    from parley.runtime import Runtime

__all__ = ["ingest"]


def _files(path: Path) -> list[Path]:
    """A file, or every file under a folder (hidden ones skipped), in a stable order."""
    if path.is_file():
        return [path]
    return sorted(
        item for item in path.rglob("*") if item.is_file() and not any(p.startswith(".") for p in item.parts)
    )


def ingest(
    path: Path = typer.Argument(
        ..., exists=True, help="A file or a folder of Markdown, HTML, text or PDF files."
    ),
    business: str = typer.Option(
        "demo", help="The business (tenant slug) whose knowledge base gets the files."
    ),
    category: str | None = typer.Option(None, help="Category given to every ingested article."),
) -> None:
    """Ingest files into the knowledge base; each file's outcome is listed, a bad file never stops the rest."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from parley.runtime import Runtime

    console = Console(soft_wrap=True)
    files = _files(path)
    if not files:
        console.print(f"[yellow]no files under {path}[/yellow]")
        raise typer.Exit(1)
    runtime = Runtime.build(Settings())

    async def run() -> int:
        from parley.knowledge.kb.ingest import IncomingFile, create_ingest_job, run_ingest_job
        from parley.knowledge.service import StoreBusy

        tenant_id = await _tenant_id(runtime, business)
        actor = _ingest_actor(tenant_id)
        incoming = [IncomingFile(source=str(file.resolve()), data=file.read_bytes()) for file in files]
        job_id = await create_ingest_job(runtime.db, actor, total=len(incoming))
        with Progress(
            TextColumn("[bold]ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
        ) as progress:
            task = progress.add_task("", total=len(incoming))

            def step(source: str, status: str) -> None:
                progress.update(task, advance=1, description=Path(source).name)
                colour = {"ingested": "green", "unchanged": "dim", "failed": "red"}.get(status, "white")
                progress.console.print(f"  [{colour}]{status:<9}[/{colour}] {source}")

            job = await run_ingest_job(runtime.db, actor, job_id, incoming, category=category, progress=step)
        for result in job.results:
            if result["status"] == "failed":
                console.print(f"[red]failed[/red] {result['source']}: {result['error']}")
        console.print(f"job {job.id}: {job.done} ingested or unchanged, {job.failed} failed")
        try:
            report = await runtime.knowledge.sync(tenant_id)
            console.print(
                f"index: {report.indexed} documents indexed, {report.unchanged} unchanged "
                f"({report.seconds:.1f} s)"
            )
        except StoreBusy:
            console.print(
                "index: the running Parley server holds the index; it indexes these documents at its "
                "next sync (PARLEY_KNOWLEDGE_SYNC_S) or restart"
            )
        return 1 if job.failed else 0

    async def main() -> int:
        try:
            return await run()
        finally:
            await runtime.close()

    raise typer.Exit(asyncio.run(main()))


async def _tenant_id(runtime: Runtime, slug: str) -> uuid.UUID:
    from sqlalchemy import select

    from parley.identity.models import Tenant

    async with runtime.db.system_session() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == slug))
    if tenant_id is None:
        typer.secho(
            f"no business with the slug {slug!r} (run `parley db seed` for the demo)", fg="red", err=True
        )
        raise typer.Exit(2)
    return tenant_id


def _ingest_actor(tenant_id: uuid.UUID) -> Actor:
    return Actor(
        kind=ActorKind.SYSTEM,
        id=None,
        tenant_id=tenant_id,
        scopes=frozenset({"knowledge:read", "knowledge:write"}),
        label="cli-ingest",
    )
