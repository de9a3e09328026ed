"""The ``parley`` command: serve the API, migrate and seed the database; later issues add more sub-commands.

Heavy libraries are imported inside the commands so ``parley --help`` answers at once.
"""

from __future__ import annotations

import asyncio

import typer

from parley.channels.cli import channels_app
from parley.core.settings import Settings
from parley.evals.cli import eval_app
from parley.jobs.cli import jobs_app
from parley.knowledge.cli import ingest
from parley.tools.cli import mcp_app

app = typer.Typer(
    help="Parley: a conversational agent runtime for businesses.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema and demo data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.command()(ingest)
app.add_typer(mcp_app, name="mcp")
app.add_typer(jobs_app, name="jobs")
app.add_typer(channels_app, name="channels", help="Channel tools: see what Parley makes of a raw message.")
app.add_typer(eval_app, name="eval")


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        typer.secho(f"configuration error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations to the configured database."""
    from parley.core.migrate import upgrade

    settings = _settings()
    upgrade(settings.resolved_database_url, revision)
    typer.echo(f"database at {revision}: {settings.resolved_database_url.split('@')[-1]}")


@db_app.command("seed")
def db_seed() -> None:
    """Create the demo business and its logins (idempotent; refused in production)."""
    from parley.core.db import Database
    from parley.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

    settings = _settings()
    if settings.is_production or not settings.seed_demo:
        typer.secho(
            "seeding the demo business is off here (production or PARLEY_SEED_DEMO=false)",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)

    async def run() -> None:
        db = Database(settings.resolved_database_url)
        try:
            await seed_demo(db)
        finally:
            await db.dispose()

    asyncio.run(run())
    typer.echo("demo business ready; logins (password " + DEMO_PASSWORD + "):")
    for login in DEMO_LOGINS:
        typer.echo(f"  {login.email:<28} {login.role.value}")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (default PARLEY_HOST)."),
    port: int | None = typer.Option(None, help="Port (default PARLEY_PORT)."),
) -> None:
    """Start the API server."""
    import uvicorn

    from parley.api.app import create_app

    settings = _settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    base = f"http://{bind_host}:{bind_port}"
    typer.echo(f"Parley {settings.environment.value} on {base}")
    typer.echo(f"  chat with the demo shop: {base}/chat")
    typer.echo(f"  API docs:                {base}/docs")
    typer.echo(f"  health:                  {base}/health")
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level=settings.log_level.lower())


def main() -> None:
    """Entry point for ``python -m parley``."""
    app()
