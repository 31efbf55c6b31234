"""What several test modules share: the fake users' common shape, a dialog's setting."""
