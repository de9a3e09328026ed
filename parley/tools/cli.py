"""``parley mcp``: serve the business operations to MCP clients, over stdio or streamable HTTP.

The server acts as the principal of an API key (``--api-key`` or ``PARLEY_MCP_API_KEY``), so an MCP client
can do exactly what that key may do, and every write is audited under it.
"""

from __future__ import annotations

import asyncio
import os

import typer

mcp_app = typer.Typer(help="Serve the business operations as MCP tools.", invoke_without_command=True)


@mcp_app.callback()
def serve_mcp(
    api_key: str = typer.Option(
        "", help="API key whose scopes the MCP client gets (default PARLEY_MCP_API_KEY).", show_default=False
    ),
    http: bool = typer.Option(False, "--http", help="Serve streamable HTTP instead of stdio."),
    host: str = typer.Option("127.0.0.1", help="Bind address with --http."),
    port: int = typer.Option(8765, help="Port with --http."),
) -> None:
    """Serve every operation the API key may use."""
    from parley.core.db import Database
    from parley.core.errors import ParleyError
    from parley.core.settings import Settings
    from parley.runtime import Runtime
    from parley.tools.mcp_server import build_mcp_server
    from parley.tools.registry import OPERATIONS

    key = api_key or os.environ.get("PARLEY_MCP_API_KEY", "")
    if not key:
        typer.secho("give an API key: --api-key or PARLEY_MCP_API_KEY", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    runtime = Runtime.build(Settings())

    async def principal() -> object:
        try:
            return await runtime.auth.authenticate_api_key(key)
        finally:
            await runtime.db.dispose()

    try:
        actor = asyncio.run(principal())  # type: ignore[arg-type]
    except ParleyError as exc:
        typer.secho(f"the API key was refused: {exc.message}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    db = Database(runtime.settings.resolved_database_url)
    server = build_mcp_server(OPERATIONS, db=db, actor=actor)  # type: ignore[arg-type]
    if http:
        import uvicorn

        typer.echo(f"MCP over streamable HTTP on http://{host}:{port}/mcp", err=True)
        uvicorn.run(server.streamable_http_app(host=host), host=host, port=port)
        return

    from mcp.server.stdio import stdio_server

    async def run_stdio() -> None:
        try:
            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())
        finally:
            await db.dispose()

    asyncio.run(run_stdio())
