"""Measurement and test tooling (never part of the site): Chromium launch, a local server like nginx, page weight."""
