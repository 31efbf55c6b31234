"""The composition root: settings, wiring, command line and long-running processes."""
