#!/usr/bin/env bash
# Until the first release the schema is one migration: regenerate it from app/tables.py.
# After a release, add migrations with `piccolo migrations new intake --auto` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f migrations/intake_*.py
INTAKE_DATA_DIR="$(mktemp -d)" .venv/bin/piccolo migrations new intake --auto >/dev/null
ls migrations/intake_*.py
