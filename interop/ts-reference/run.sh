#!/usr/bin/env bash
# The suite against the spec author's TypeScript Authorization Server: starts it (start.sh), runs `mission-conformance run`
# with target.json and the committed baseline.json, stops it. Exit: the run's (0: every failure is a known one, none stale).
#
#   interop/ts-reference/run.sh [CHECKOUT] [-- RUN-OPTIONS…]      e.g. -- --update-baseline
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
checkout=()
if [ $# -gt 0 ] && [ "$1" != "--" ]; then checkout=("$1"); shift; fi
[ "${1:-}" = "--" ] && shift

pid=$("$here/start.sh" "${checkout[@]}")
trap 'kill "$pid" 2>/dev/null || true' EXIT
cd "$repo"
set +e
dotnet run --project cli/MissionConformance.Cli -- run --target "$here/target.json" --baseline "$here/baseline.json" \
  --out "${TS_REFERENCE_REPORTS:-reports/ts-reference}" "$@"
status=$?
set -e
exit $status
