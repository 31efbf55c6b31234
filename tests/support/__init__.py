"""What several test modules share: helpers, the fake users' common shape, a dialog's setting,
fakes' settings and constants; no test module imports another (tests/test_layout.py checks it)."""
