"""What several test modules share: helpers, fakes' settings and constants; no test module
imports another (tests/test_layout.py checks it)."""
