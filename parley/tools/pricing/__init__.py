"""pricing: rules, thresholds and the one calculation every quoted price comes from."""
