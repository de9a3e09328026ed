"""A self-contained HTML page: charts (pass rate by intent and tag, latency, cost) and every transcript.

The charts are inline SVG, so the page opens from a CI artifact with no script, network or library.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from parley.evals.report.groups import by_intent, by_tag
from parley.evals.results import ScenarioResult, SuiteResult

__all__ = ["write_html"]

_STYLE = """
body{font:14px system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1f2933}
h1{margin-bottom:.2rem} .cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #d9e2ec;border-radius:8px;padding:.7rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.5rem} .charts{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #e4e7eb;padding:.3rem;text-align:left}
.pass{color:#0b7a3e} .fail{color:#b42318} details{margin:.2rem 0} pre{white-space:pre-wrap;margin:.2rem 0}
.turn{border-left:3px solid #d9e2ec;padding-left:.6rem;margin:.4rem 0} small{color:#52606d}
"""


def _bars(title: str, groups: dict[str, tuple[int, int]]) -> str:
    """Horizontal bars of pass rate per group, labelled with passed/total."""
    row, width = 22, 520
    height = row * len(groups) + 30
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="{escape(title)}">']
    for i, (name, (passed, total)) in enumerate(groups.items()):
        y, rate = 20 + i * row, passed / total if total else 0
        colour = "#0b7a3e" if rate >= 0.9 else "#d97706" if rate >= 0.6 else "#b42318"
        parts += [
            f'<text x="0" y="{y + 14}" font-size="12">{escape(name[:24])}</text>',
            f'<rect x="170" y="{y}" width="{rate * 260:.1f}" height="16" fill="{colour}"/>',
            f'<rect x="170" y="{y}" width="260" height="16" fill="none" stroke="#cbd2d9"/>',
            f'<text x="440" y="{y + 13}" font-size="12">{passed}/{total} ({rate:.0%})</text>',
        ]
    parts.append("</svg>")
    return f"<section><h3>{escape(title)}</h3>{''.join(parts)}</section>"


def _histogram(title: str, values: list[float], unit: str) -> str:
    """Columns counting values into ten equal bins up to the 95th percentile; the last bin holds the rest."""
    if not values or max(values) <= 0:
        return f"<section><h3>{escape(title)}</h3><p><small>nothing measured</small></p></section>"
    ordered = sorted(values)
    top, bins = ordered[int(0.95 * (len(ordered) - 1))] or ordered[-1], [0] * 10
    for value in values:
        bins[min(int(value / top * 10), 9)] += 1
    peak, parts = max(bins), ['<svg width="520" height="200">']
    for i, count in enumerate(bins):
        h = count / peak * 150
        parts += [
            f'<rect x="{20 + i * 48}" y="{170 - h:.1f}" width="40" height="{h:.1f}" fill="#2563eb"/>',
            f'<text x="{20 + i * 48}" y="{165 - h:.1f}" font-size="11">{count}</text>',
            f'<text x="{20 + i * 48}" y="190" font-size="10">{top * i / 10:.0f}</text>',
        ]
    parts.append(f'<text x="470" y="190" font-size="10">+ {escape(unit)}</text></svg>')
    return f"<section><h3>{escape(title)}</h3>{''.join(parts)}</section>"


def _scenario(scenario: ScenarioResult) -> str:
    verdict = '<b class="pass">pass</b>' if scenario.passed else '<b class="fail">FAIL</b>'
    run = next((r for r in scenario.runs if not r.passed), scenario.runs[0])
    turns = "".join(
        f'<div class="turn"><small>customer</small><pre>{escape(t.say)}</pre><small>agent · intent '
        f"{escape(str(t.intent))} · {escape(t.status)} · tools {escape(', '.join(t.tools) or '-')} · "
        f"{t.latency_ms:.0f} ms</small><pre>{escape(t.reply)}</pre>"
        + "".join(f'<div class="fail">✗ {escape(f)}</div>' for f in t.failures)
        + "</div>"
        for t in run.turns
    )
    rest = [failure for failure in run.failures if not failure.startswith("turn ")]  # end state, judge, error
    extra = "".join(f'<div class="fail">✗ {escape(failure)}</div>' for failure in rest)
    return (
        f"<tr><td>{verdict}</td><td><details><summary>{escape(scenario.id)} — {escape(scenario.title)}</summary>"
        f"{turns}{extra}</details></td><td>{escape(', '.join(scenario.tags))}</td>"
        f"<td>{scenario.pass_rate:.0%}</td></tr>"
    )


def write_html(result: SuiteResult, path: Path) -> Path:
    """Write the report page."""
    metrics = result.metrics()
    cards = "".join(
        f'<div class="card"><small>{escape(label)}</small><b>{escape(str(value))}</b></div>'
        for label, value in (
            ("scenarios", metrics["total"]),
            ("pass rate", f"{metrics['pass_rate']:.0%}"),
            ("pass^k" if result.repeat > 1 else "pass@1", f"{metrics['pass_hat_k']:.0%}"),
            ("latency p95", f"{metrics['latency_ms_p95']:.0f} ms"),
            ("tokens", metrics["tokens"]),
            ("cost", f"{metrics['cost']:.4f}"),
            ("tool precision / recall", f"{metrics['tool_precision']:.2f} / {metrics['tool_recall']:.2f}"),
        )
    )
    latencies = [value for scenario in result.scenarios for value in scenario.latencies]
    costs = [sum(t.cost for run in s.runs for t in run.turns) * 1000 for s in result.scenarios]
    charts = (
        _bars("Pass rate by intent", by_intent(result))
        + _bars("Pass rate by tag", by_tag(result))
        + _histogram("Turn latency", latencies, "ms")
        + _histogram("Cost per scenario", costs, "milli-units")
    )
    rows = "".join(_scenario(s) for s in sorted(result.scenarios, key=lambda s: (s.passed, s.id)))
    page = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>Parley evals</title><style>{_STYLE}</style>"
        f"<h1>Parley evals</h1><small>{escape(result.engine)} engine · repeat {result.repeat} · "
        f"{result.seconds:.1f} s</small><div class=cards>{cards}</div><div class=charts>{charts}</div>"
        f"<h2>Scenarios</h2><table><tr><th></th><th>scenario</th><th>tags</th><th>runs passed</th></tr>{rows}"
        "</table></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path
