"""numbering: gapless per-tenant document numbers (Q-, ORD-, INV-, CN-)."""
