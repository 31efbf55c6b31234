"""The version of the privacy notice a resident agrees to (law 09-08): read by the engine before
any flow runs, and recorded by onboarding, which shows the notice."""

from __future__ import annotations

# Bump when the privacy notice (`onboarding.PRIVACY`) changes in substance: residents will be
# asked again.
PRIVACY_VERSION = "2026-11"
