"""A real browser for the kit's tests: Chromium from Debian's packages, headless, offline,
with a profile of its own. `screenshot` returns None when no Chromium is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
INSTALL = "apt-get install -y chromium"
# No network, no first-run, update or sync traffic: the page must render from its own bytes.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def screenshot(page: Path, target: Path, width: int = 1280, height: int = 2400) -> Path:
    browser = find_browser()
    assert browser, f"no Chromium: {INSTALL}"
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={target}",
             f"--window-size={width},{height}", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
    assert target.exists(), f"no screenshot (exit {done.returncode}):\n{done.stderr[-2000:]}"
    return target
