"""quotations: priced offers with a validity, a gapless number, a state machine and a PDF."""
