"""Run inside the benchmark database (DATABASE_URL): the app's indicator report per tertial,
and whether the caseload and state-change views exist. Prints one JSON object.
"""

import importlib.util
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def indicator_report(periods: list[list[str]]) -> dict:
    if importlib.util.find_spec("casework.indicators") is None:
        return {"skipped": "casework.indicators finns inte i den här grenen"}
    from django.core.management import call_command

    out = {}
    for start, end in periods:
        buf = io.StringIO()
        began = time.perf_counter()
        call_command("indicators", "--start", start, "--end", end, "--format", "json", stdout=buf)
        seconds = time.perf_counter() - began
        out[f"{start}..{end}"] = {
            "seconds": round(seconds, 3),
            "report": json.loads(buf.getvalue()),
        }
    return out


def views() -> dict:
    from django.urls import NoReverseMatch, reverse

    found = {}
    for name in ("casework:caseload",):
        try:
            found[name] = reverse(name)
        except NoReverseMatch:
            found[name] = None
    return found


def main() -> None:
    import django

    django.setup()
    periods = json.loads(sys.argv[1])
    print(json.dumps({"indicators": indicator_report(periods), "views": views()}))


if __name__ == "__main__":
    main()
