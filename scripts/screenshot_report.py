"""Make docs/img/report-overview.png, the README's picture of `isrd report`.

Builds the report of this checkout in a temporary folder, opens its overview from file:// in headless
Chromium with the network blocked (the same way tests/test_report.py does), screenshots the page down to
the map and saves it as a small palette PNG, so the picture always shows what the command makes.

    .venv/bin/python scripts/screenshot_report.py [--out docs/img/report-overview.png] [--chromium /usr/bin/chromium]

Needs the test extras (playwright, pillow) and Debian's chromium; never runs `playwright install`.
"""
from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--proxy-server=http://127.0.0.1:9",
         "--proxy-bypass-list=<-loopback>"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "img" / "report-overview.png"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=1000, help="width of the browser window in CSS pixels")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        print(f"screenshot_report: no chromium at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 2
    from PIL import Image
    from playwright.sync_api import sync_playwright

    from isrd.report import report

    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "report"
        report(dest, ROOT)
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(str(Path(tmp) / "profile"), executable_path=args.chromium,
                                                       headless=True, args=FLAGS,
                                                       viewport={"width": args.width, "height": 800})
            try:
                ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
                page = ctx.new_page()
                page.goto((dest / "index.html").as_uri(), wait_until="load")
                bottom = page.locator("#chart-map").bounding_box()
                height = int(bottom["y"] + bottom["height"] + 16) if bottom else 2000
                png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": args.width, "height": height})
            finally:
                ctx.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    print(f"{out} ({out.stat().st_size // 1024} kB, {image.width}x{image.height})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
