"""Regenerate every SVG screenshot in ``screenshots/`` (the README shows them).

Run: ``python scripts/screenshots.py [--only NAME ...] [--out DIR]``. Each scene from
``kickoff_tui.app.demo.SCENES`` runs in a fresh app on a fixed clock with a throw-away data
folder, so the pictures change only when the app does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""Repository root (this file lives in ``scripts/``)."""


async def render(names: list[str] | None, out: Path) -> list[Path]:
    """Write one SVG per scene; return the paths written."""
    from kickoff_tui.app.demo import SCENES, demo_app

    written: list[Path] = []
    for scene in SCENES:
        if names and scene.name not in names:
            continue
        app = demo_app(scene.theme)
        async with app.run_test(size=scene.size, notifications=False) as pilot:
            await scene.run(pilot)
            app.save_screenshot(f"{scene.name}.svg", str(out))
        written.append(out / f"{scene.name}.svg")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate Kickoff's SVG screenshots.")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="scene names (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="output folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="kickoff-shots-") as data, \
            tempfile.TemporaryDirectory(prefix="kickoff-cwd-") as cwd:
        os.environ["KICKOFF_DATA_DIR"] = data
        os.chdir(cwd)
        args.out.mkdir(parents=True, exist_ok=True)
        written = asyncio.run(render(args.only, args.out.resolve()))
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
