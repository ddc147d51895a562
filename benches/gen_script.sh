#!/usr/bin/env bash
# Prints a realistic 10,000-line maintenance script (loops, variables, pipes, cd,
# heredocs, guarded commands) for the review benchmark.
lines=${1:-10000}
n=0
emit() { echo "$1"; n=$((n + 1)); }
while ((n < lines)); do
  emit "cd /srv/app/releases/$n || exit 1"
  emit "BUILD=\"./build-$n\""
  emit "rm -rf \"\$BUILD\" ./tmp/cache-$n"
  emit "rsync -a --exclude '*.log' ./src/ \"\$BUILD/\""
  emit "for f in a b c; do cp \"\$f.conf\" \"\$BUILD/\$f.conf\"; done"
  emit "find . -name '*.tmp' -mtime +7 -print | wc -l"
  emit "echo \"deployed $n\" >> deploy.log"
  emit "if [ -d old-$n ]; then mv old-$n \"old-$n.bak\"; fi"
  emit "chmod -R 755 ./dist-$n"
  emit "grep -q 'rm -rf /' notes.txt && echo suspicious"
done
