#!/usr/bin/env bash
# Runs a benchmark so that other work on the machine cannot starve it: in a cgroup-v1 CPU group "bench" with
# cpu.shares 262144 (every other process keeps the default 1024), one benchmark at a time (flock). On this 2-core
# machine a SHA-256 loop took 1,004 ms inside the group beside four busy loops outside it, 1,013 ms on an idle machine
# and 2,620 ms beside them without the group. Needs root and /sys/fs/cgroup/cpu (cgroup v1); disk and memory
# bandwidth are still shared. Usage: test/bench/run-in-bench-cgroup.sh npm run bench:ingest
set -euo pipefail
group=/sys/fs/cgroup/cpu/bench
if [ ! -d "$group" ]; then mkdir "$group"; echo 262144 > "$group/cpu.shares"; fi
exec 9>/tmp/mamori-bench.lock
echo "[bench-cgroup] waiting for the lock at $(date -u +%T)" >&2
flock 9
echo "[bench-cgroup] running at $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo $$ > "$group/cgroup.procs"
"$@"
