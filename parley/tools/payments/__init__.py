"""payments: money received or refunded, allocated to invoices."""
