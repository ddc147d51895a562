#!/usr/bin/env bash
# Guarded execution, side by side in one run:
#  1. plain `rm -rf` vs `shellguard run -- rm -rf` of a 100,000-file tree (and undo of it);
#  2. per-call overhead of a harmless guarded `rm -f missing` vs plain rm (hyperfine), and
#     the instructions shellguard spends before exec'ing rm (callgrind: repeatable on a
#     noisy machine).
# Usage: benches/guarded_rm.sh [FILES]   (default 100000; needs hyperfine, valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-100000}
cargo build --release --quiet
bin=$PWD/target/release/shellguard
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/sg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SHELLGUARD_HOME=$tmp/state SHELLGUARD_HOSTNAME=bench NO_COLOR=1
mkdir -p "$tmp/shims" && ln -s "$bin" "$tmp/shims/rm"

make_tree() { # dir: $files files in directories of 1000
  mkdir -p "$1"
  (cd "$1" && for d in $(seq 1 $((files / 1000))); do
     mkdir "d$d" && (cd "d$d" && touch $(seq -f "f%g" 1 1000))
   done)
}
now() { date +%s.%N; }
make_tree "$tmp/plain"
make_tree "$tmp/guarded"
sync
cd "$tmp"
t0=$(now); rm -rf plain; t1=$(now)
"$bin" run -- rm -rf guarded 2>/dev/null; t2=$(now)
"$bin" undo >/dev/null; t3=$(now)
test "$(find guarded -type f | wc -l)" -eq "$files"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$files" 'BEGIN {
  printf "rm -rf of %d files:          plain %8.1f ms   guarded %8.1f ms   (%.0fx faster)\n", n, (b-a)*1000, (c-b)*1000, (b-a)/(c-b);
  printf "shellguard undo of it:        %8.1f ms (all %d files back)\n", (d-c)*1000, n }'

hyperfine -N --warmup 20 --runs 300 'rm -f missing-file' "$tmp/shims/rm -f missing-file" "$bin run -- rm -f missing-file"
if command -v valgrind >/dev/null; then
  valgrind --tool=callgrind --dump-before='execv*' --callgrind-out-file="$tmp/cg" "$tmp/shims/rm" -f missing-file 2>/dev/null
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg-rm" rm -f missing-file 2>/dev/null
  echo "instructions before exec (shim): $(grep -h '^totals' "$tmp"/cg.1 | cut -d' ' -f2)   whole plain rm: $(grep -h '^totals' "$tmp/cg-rm" | cut -d' ' -f2)"
fi
