"""PDF rendering of quotations, invoices and credit notes with reportlab: lines, VAT breakdown and totals."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

__all__ = ["render_document_pdf"]


def _money(value: Any, currency: str) -> str:
    return f"{Decimal(value):,.2f} {currency}"


def render_document_pdf(
    *,
    title: str,
    number: str,
    business: str,
    customer: str,
    facts: Sequence[tuple[str, str]],
    lines: Sequence[Any],
    vat_breakdown: Sequence[Any],
    totals: Any,
    currency: str,
) -> bytes:
    """A one-document PDF; ``lines`` and ``totals`` are rows or models with the priced-line fields."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"{title} {number}", author=business)
    story: list[Any] = [
        Paragraph(f"{title} {number}", styles["Title"]),
        Paragraph(business, styles["Normal"]),
        Paragraph(f"Customer: {customer}", styles["Normal"]),
    ]
    story += [Paragraph(f"{label}: {value}", styles["Normal"]) for label, value in facts]
    story.append(Spacer(1, 12))
    rows: list[list[str]] = [["#", "SKU", "Item", "Qty", "Unit price", "Disc. %", "Net", "VAT %", "VAT"]]
    for line in lines:
        rows.append(
            [
                str(line.position),
                line.sku,
                line.name[:40],
                str(line.quantity),
                f"{Decimal(line.unit_net_price):,.4f}",
                f"{Decimal(line.discount_percent):.2f}",
                _money(line.line_net, currency),
                f"{Decimal(line.vat_rate):.2f}",
                _money(line.vat_amount, currency),
            ]
        )
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [table, Spacer(1, 12), Paragraph("VAT breakdown", styles["Heading3"])]
    vat_rows = [["Rate %", "Net", "VAT"]] + [
        [
            f"{Decimal(g['rate'] if isinstance(g, dict) else g.rate):.2f}",
            _money(g["net"] if isinstance(g, dict) else g.net, currency),
            _money(g["vat"] if isinstance(g, dict) else g.vat, currency),
        ]
        for g in vat_breakdown
    ]
    vat_table = Table(vat_rows)
    vat_table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8)])
    )
    story += [vat_table, Spacer(1, 12)]
    totals_table = Table(
        [
            ["Total net", _money(totals.total_net, currency)],
            ["Total VAT", _money(totals.total_vat, currency)],
            ["Total gross", _money(totals.total_gross, currency)],
        ]
    )
    totals_table.setStyle(TableStyle([("FONTNAME", (0, 2), (-1, 2), "Helvetica-Bold")]))
    story.append(totals_table)
    doc.build(story)
    return buffer.getvalue()
