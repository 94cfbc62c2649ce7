"""Audit the pinned packages (constraints.txt) with pip-audit; fail on any known vulnerability.

pip-audit asks PyPI's advisory data about each pinned version. A package it could not ask about
is not audited: by default that fails too (an audit that could not look is no pass). With
``--allow-unreachable`` the run still fails on any vulnerability found, but when the advisory
service cannot be reached at all (no network, or a package index that serves no JSON API) it
prints a loud warning and exits 0.

Exit status: 0 audited and clean; 1 a vulnerable pin; 2 packages could not be audited.
"""
from __future__ import annotations

import argparse
import json
import subprocess  # nosec B404 # runs pip-audit, a fixed command
import sys
from pathlib import Path

CONSTRAINTS = Path(__file__).resolve().parent.parent / "constraints.txt"


def run_pip_audit(requirements: Path) -> dict:
    command = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps", "--disable-pip",
               "--progress-spinner", "off", "--format", "json"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603 # fixed argv
    try:
        return json.loads(result.stdout)
    except ValueError:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"pip-audit gave no report (exit {result.returncode})") from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--allow-unreachable", action="store_true",
                        help="exit 0 with a warning when the advisory service answered for no package at all")
    parser.add_argument("-r", "--requirements", type=Path, default=CONSTRAINTS)
    args = parser.parse_args()
    dependencies = run_pip_audit(args.requirements)["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dependency['name']}=={dependency['version']}: {vuln['id']} (fixed in: {fixes})")
    if vulnerable:
        return 1
    if skipped:
        reasons = sorted({d["skip_reason"].split(":")[0] for d in skipped})
        print(f"pip-audit could not audit {len(skipped)} of {len(dependencies)} pinned packages: {'; '.join(reasons)}")
        if args.allow_unreachable and audited == 0:
            print("=" * 78)
            print("WARNING: the advisory service was unreachable: NO dependency was audited in this run.")
            print("Run `make audit` on a machine that reaches pypi.org's JSON API before a release.")
            print("=" * 78)
            return 0
        return 2
    print(f"pip-audit: {audited} pinned packages audited, no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main())
