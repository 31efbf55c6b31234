"""The terminal channel: one resident typing lines, for demos, scripts and acceptance tests."""
