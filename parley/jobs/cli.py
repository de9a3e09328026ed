"""``parley jobs``: run the scheduled jobs by hand, e.g. from cron when no API process runs them."""

from __future__ import annotations

import asyncio

import typer

jobs_app = typer.Typer(
    help="Scheduled jobs: quotation expiry, overdue invoices, lapsed stock holds, approval SLAs and expiry.",
    no_args_is_help=True,
)


@jobs_app.command("run-once")
def run_once() -> None:
    """Run every scheduled job for every tenant once; exits 1 if any job failed."""
    from parley.core.clock import utcnow
    from parley.core.db import Database
    from parley.core.settings import Settings
    from parley.jobs.scheduler import JobReport, run_jobs_once

    settings = Settings()

    async def run() -> JobReport:
        db = Database(settings.resolved_database_url)
        try:
            return await run_jobs_once(db, now=utcnow())
        finally:
            await db.dispose()

    report = asyncio.run(run())
    for name, changed in report.changed.items():
        typer.echo(f"{name}: {changed}")
    for name, tenant_id in report.failed:
        typer.secho(f"{name} failed for tenant {tenant_id}", fg=typer.colors.RED, err=True)
    if report.failed:
        raise typer.Exit(1)
