#!/usr/bin/env bash
# Review speed: a 10,000-line maintenance script, release build, hyperfine.
# Usage: benches/review.sh   (needs hyperfine; prints the table the README quotes)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/shellguard
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
benches/gen_script.sh 10000 > "$tmp/script.sh"
export SHELLGUARD_HOME=$tmp/state SHELLGUARD_HOSTNAME=bench NO_COLOR=1
hyperfine -N --warmup 3 --runs 20 \
  "$bin review --format json $tmp/script.sh" \
  "$bin review $tmp/script.sh" \
  "$bin review -c 'rm -rf ./build'"
