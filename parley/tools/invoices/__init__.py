"""invoices: gapless numbered invoices from orders, payments against them, overdue and credit notes."""
