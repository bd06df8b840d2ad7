"""Browser tests (Chromium through Playwright); fixtures in conftest.py."""
