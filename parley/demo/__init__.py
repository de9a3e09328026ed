"""The demo business that ``make run`` seeds: an industrial and CNC parts shop."""
