"""orders: direct or from a quotation, with a state machine that moves stock, changes, returns and exchanges."""
