"""``parley eval``: run a suite and write its reports, compare with a baseline, record one, import τ² tasks.

Exit codes: 0 when the run is acceptable, 1 when it regressed against the baseline (or, without a baseline,
when ``--fail-under`` is not met), 2 for a usage or configuration error.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import typer

__all__ = ["eval_app"]

eval_app = typer.Typer(help="Scenario suites: run them, compare with a baseline, import τ²-bench tasks.")

_SUITE = typer.Argument(..., exists=True, help="A suite folder (or one YAML file) of scenarios.")


def _run(
    suite: Path, *, engine: str, repeat: int, tags: list[str], concurrency: int, judge_min: int | None = None
) -> Any:
    from rich.progress import Progress

    from parley.core.settings import Settings
    from parley.evals.judge import Judge
    from parley.evals.runner import run_suite
    from parley.evals.sandbox import ShopTemplate
    from parley.evals.scenario import load_suite

    configured = Settings()
    if (engine == "llm" or judge_min is not None) and not configured.llm_base_url:
        typer.secho("--engine llm and --judge need PARLEY_LLM_BASE_URL", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    judge = Judge.from_settings(configured, minimum=judge_min) if judge_min is not None else None
    settings = configured if engine == "llm" else configured.model_copy(update={"llm_base_url": None})
    scenarios = load_suite(suite, tags=tags or None)
    if not scenarios:
        typer.secho("no scenario matches", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)

    async def go() -> Any:
        from parley.knowledge.embeddings import get_embedder

        with tempfile.TemporaryDirectory(prefix="parley-eval-") as scratch, Progress() as progress:
            task = progress.add_task(f"{len(scenarios)} scenarios", total=len(scenarios))
            template = ShopTemplate(Path(scratch), settings, get_embedder(settings.embedding_model))
            return await run_suite(
                template,
                scenarios,
                engine=engine,
                repeat=repeat,
                concurrency=concurrency,
                judge=judge,
                on_done=lambda _: progress.advance(task),
            )

    return asyncio.run(go())


@eval_app.command("run")
def run(
    suite: Path = _SUITE,
    engine: str = typer.Option("offline", help="offline, or llm (needs PARLEY_LLM_BASE_URL)."),
    repeat: int = typer.Option(1, min=1, help="Runs per scenario; pass^k needs every run to pass."),
    filter_tags: list[str] = typer.Option([], "--filter", help="Only scenarios with this tag or id."),
    report_dir: Path = typer.Option(Path("var/evals"), help="Where report.json, junit.xml, report.html go."),
    baseline: Path | None = typer.Option(None, exists=True, help="Fail when the run is worse than this."),
    fail_under: float = typer.Option(0.0, min=0, max=1, help="Without a baseline: least pass rate."),
    concurrency: int = typer.Option(2, min=1, help="Scenarios run at once (each has its own database)."),
    judge: int | None = typer.Option(
        None, min=1, max=5, help="Also grade replies with the LLM judge; the least passing score (1-5)."
    ),
) -> None:
    """Run a suite, print a summary table and write the JSON, JUnit and HTML reports."""
    from parley.evals.baseline import compare, load_baseline
    from parley.evals.report import print_summary, write_reports

    result = _run(
        suite, engine=engine, repeat=repeat, tags=filter_tags, concurrency=concurrency, judge_min=judge
    )
    print_summary(result)
    for kind, path in write_reports(result, report_dir).items():
        typer.echo(f"{kind:>5}: {path}")
    if baseline is not None:
        comparison = compare(result, load_baseline(baseline))
        for line in comparison.lines():
            typer.secho(line, fg=typer.colors.RED if line.startswith(("REGRESSED", "WORSE")) else None)
        if comparison.failed:
            raise typer.Exit(1)
        typer.echo(f"no regression against {baseline}")
    elif result.metrics()["pass_rate"] < fail_under:
        raise typer.Exit(1)


@eval_app.command("baseline")
def record_baseline(
    suite: Path = _SUITE,
    output: Path = typer.Option(Path("evals/baseline.json"), help="The baseline file to write."),
    engine: str = typer.Option("offline", help="offline or llm."),
    repeat: int = typer.Option(1, min=1),
    concurrency: int = typer.Option(2, min=1),
) -> None:
    """Run a suite and record the result as the baseline later runs are compared with."""
    from parley.evals.baseline import save_baseline
    from parley.evals.report import print_summary

    result = _run(suite, engine=engine, repeat=repeat, tags=[], concurrency=concurrency)
    print_summary(result)
    typer.echo(f"baseline: {save_baseline(result, output)}")


def _published(folder: Path) -> str:
    """What the data folder says of the published τ-bench retail numbers (its ``SOURCE.md``)."""
    source = folder / "SOURCE.md"
    text = source.read_text(encoding="utf-8") if source.exists() else ""
    cite = next((line.strip("- ").strip() for line in text.splitlines() if line.startswith("- Cite:")), "")
    return f"published τ-bench retail numbers: none stored in {source}" + (f" ({cite})" if cite else "")


def _score_agent(
    tau: Any, folder: Path, ids: list[str], *, engine: str, repeat: int, max_turns: int, report_dir: Path
) -> None:
    from rich.progress import Progress

    from parley.core.settings import Settings
    from parley.evals.report import print_summary, write_reports
    from parley.evals.sandbox import ShopTemplate
    from parley.evals.tau2 import UserSimulator, import_catalog, score_tasks

    configured = Settings()
    if not configured.llm_base_url:
        typer.secho("--agent needs PARLEY_LLM_BASE_URL for the user simulator", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    simulator = UserSimulator.from_settings(configured)
    settings = configured if engine == "llm" else configured.model_copy(update={"llm_base_url": None})

    async def go() -> Any:
        from parley.knowledge.embeddings import get_embedder

        with tempfile.TemporaryDirectory(prefix="parley-tau2-") as scratch, Progress() as progress:
            bar = progress.add_task(f"{len(ids)} τ² tasks", total=len(ids))
            template = ShopTemplate(
                Path(scratch),
                settings,
                get_embedder(settings.embedding_model),
                extra=lambda runtime, tenant_id: import_catalog(runtime, tenant_id, tau.db),
            )
            return await score_tasks(
                template,
                tau,
                ids,
                simulator,
                engine=engine,
                repeat=repeat,
                max_turns=max_turns,
                on_done=lambda _: progress.advance(bar),
            )

    result = asyncio.run(go())
    print_summary(result)
    for kind, path in write_reports(result, report_dir / "tau2").items():
        typer.echo(f"{kind:>5}: {path}")
    metrics = result.metrics()
    typer.echo(
        f"τ² retail, {engine} agent: pass rate {metrics['pass_at_1']:.3f}, "
        f"pass^{repeat} {metrics['pass_hat_k']:.3f} over {metrics['total']} tasks"
    )
    typer.echo(_published(folder))


@eval_app.command("tau2")
def tau2(
    data: Path = typer.Option(
        Path("../shared/data/tau2_retail"), exists=True, help="Folder of τ² retail files."
    ),
    task: list[str] = typer.Option([], help="Task ids (default: all 114)."),
    report_dir: Path = typer.Option(Path("var/evals"), help="Where tau2_replay.json (or tau2/) goes."),
    agent: bool = typer.Option(False, "--agent", help="Score the agent with a simulated customer instead."),
    engine: str = typer.Option("llm", help="With --agent: the agent's engine, llm or offline."),
    limit: int | None = typer.Option(None, min=1, help="With --agent: only the first N tasks."),
    repeat: int = typer.Option(1, min=1, help="With --agent: runs per task, for pass^k."),
    max_turns: int = typer.Option(20, min=1, help="With --agent: customer messages before giving up."),
) -> None:
    """Import τ²-bench retail tasks and replay their reference actions through Parley's operations.

    Every task must reach τ²'s own end state; exit 1 names the ones that do not. With ``--agent``, a
    simulated customer (``PARLEY_LLM_*``) talks to the agent on each task instead, and the run is scored
    as τ² scores it: pass rate and pass^k, with reports in ``REPORT_DIR/tau2``.
    """
    import json

    from parley.core.settings import Settings
    from parley.evals.sandbox import ShopTemplate
    from parley.evals.tau2 import Tau2Data, import_catalog, replay_all

    tau = Tau2Data.load(data)
    ids = task or [str(item["id"]) for item in tau.tasks]
    if agent:
        _score_agent(
            tau, data, ids[:limit], engine=engine, repeat=repeat, max_turns=max_turns, report_dir=report_dir
        )
        return

    async def go() -> dict[str, list[str]]:
        from parley.knowledge.embeddings import get_embedder

        settings = Settings().model_copy(update={"llm_base_url": None})
        with tempfile.TemporaryDirectory(prefix="parley-tau2-") as scratch:
            template = ShopTemplate(
                Path(scratch),
                settings,
                get_embedder(settings.embedding_model),
                extra=lambda runtime, tenant_id: import_catalog(runtime, tenant_id, tau.db),
            )
            return await replay_all(template, tau, ids)

    results = asyncio.run(go())
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / "tau2_replay.json"
    passed = sum(not problems for problems in results.values())
    path.write_text(
        json.dumps({"total": len(results), "pass_rate": passed / len(results), "tasks": results}, indent=2)
    )
    for task_id, problems in results.items():
        if problems:
            typer.secho(f"task {task_id}: {problems[0]}", fg=typer.colors.RED)
    typer.echo(f"τ² retail replay: {passed}/{len(results)} tasks reach τ²'s end state; {path}")
    if passed < len(results):
        raise typer.Exit(1)
