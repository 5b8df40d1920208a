"""Browser tests: the built kit, served under a sub-path, driven in Chromium."""
