"""approvals: requests for a person to approve what an actor may not do alone (discounts above threshold)."""
