#!/bin/bash
# The many-core measurement run: what means nothing on 2 cores, in one script sized for a 16-core
# machine and a few minutes. Sections in priority order, each appending to its own file under the
# output folder as soon as it finishes (a run stopped at a time limit keeps what it measured):
#
#   1. MPMC channels: ChannelTransfer's bounded/unbounded groups with 1+1, 4+4 and 8+8 threads
#      (JCTools Mpmc, ABQ, CLQ beside braid; the MPSC peer only at 1+1, it allows one consumer)
#      and ChannelBurst (bursts of 100 to a consumer thread, vs Mpmc and ABQ)
#   2. pool scaling: PoolFib, PoolForking, PoolSubmit at 1 and N workers (braid vs FJP / TPE)
#   3. testkit: parallel exploration speed-up at 1, 2 and N engines (BugBenchmark's control)
#   4. async: AsyncWorkloads and Skynet on N cores (vs virtual threads and CompletableFuture)
#   5. reader scaling: RwLockReadMostly with 4 and N threads
#   6. timers: TimerExpire (lateness p50/p99 printed by its tear-down) and ParkLatency
#
#   scripts/many-core-run.sh OUTDIR [JAVA]
#   MC_JMH='-f 2 -wi 3 -i 5' scripts/many-core-run.sh OUTDIR   # other JMH settings
#
# JAVA defaults to the JDK 25 the build uses; the jar and classes must already be built
# (braid-bench/target/benchmarks.jar, braid-core/target/classes, braid-testkit/target/*classes).
# Default JMH settings are short (1 fork, 2 x 0.5 s warm-up, 3 x 1 s measurement): a survey, not
# the quiet 2-vCPU measurement of docs/perf; MC_JMH replaces them. Smoke on 2 cores:
#   MC_JAVA_OPTS=-Djmh.ignoreLock=true MC_JMH='-f 1 -wi 0 -i 1 -r 100ms' MC_SCHEDULES=20000 scripts/many-core-run.sh /tmp/mc
set -u
out=${1:?usage: many-core-run.sh OUTDIR [JAVA]}
java=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -z "$java" ]; then
  . "$root/scripts/find-jdk25.sh"
  java=$BRAID_JAVA
fi
mkdir -p "$out"
jar=braid-bench/target/benchmarks.jar
cores=$(nproc)
read -r -a jmhopts <<<"${MC_JMH:--f 1 -wi 2 -w 500ms -i 3 -r 1s}"
start=$(date +%s)
log() { echo "[many-core +$(($(date +%s) - start))s] $*" | tee -a "$out/progress.txt"; }
jmh() { # name, then JMH arguments
  local name=$1
  shift
  log "$name: $*"
  "$java" --sun-misc-unsafe-memory-access=allow ${MC_JAVA_OPTS:-} -jar "$jar" "${jmhopts[@]}" "$@" \
    -rf json -rff "$out/$name.json" >"$out/$name.log" 2>&1 || log "$name: exit $?"
  grep -E '^(Benchmark|[A-Za-z].*(thrpt|avgt|ss) )' "$out/$name.log" | sed "s/^/  /" >>"$out/summary.txt"
}
{
  echo "many-core run, $(date -u +%FT%TZ), $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  "$java" -version 2>&1 | head -n 1
  echo "JMH options: ${jmhopts[*]}"
} | tee "$out/summary.txt"

for tg in 1,1 4,4 8,8; do
  t=${tg/,/p}c
  jmh "channels-${t}" 'ChannelTransfer\.(bounded(Braid|Mpmc|Abq)|unbounded(Braid|Clq))$' -tg "$tg"
done
jmh channels-mpsc-1p1c 'ChannelTransfer\.unboundedMpsc$' -tg 1,1
jmh channels-burst 'ChannelBurst'

jmh pool 'pool\.Pool(Fib|Forking)\.(braidJoin|braidJoinLong|forkJoinPool)$|pool\.PoolSubmit' \
  -p "parallelism=1,$cores"

log "testkit: parallel speed-up"
"$java" --add-opens java.base/java.lang=ALL-UNNAMED -Dbraid.testkit.carrier=own \
  -cp braid-core/target/classes:braid-testkit/target/classes:braid-testkit/target/test-classes \
  dev.braid.testkit.bench.BugBenchmark 0 0 "${MC_SCHEDULES:-200000}" 3 >"$out/testkit.txt" 2>&1 || log "testkit: exit $?"
sed 's/^/  /' "$out/testkit.txt" >>"$out/summary.txt"

jmh async 'async\.(AsyncWorkloads|Skynet)'

for t in 4 "$cores"; do
  jmh "rwlock-${t}t" 'sync\.RwLockReadMostly' -t "$t"
done

jmh timer 'TimerExpire'
grep -iE 'late|early|p99' "$out/timer.log" | sed 's/^/  /' >>"$out/summary.txt"
log "park latency"
"$java" -cp "$jar" dev.braid.bench.ParkLatency 3000 >>"$out/summary.txt" 2>&1 || log "park: exit $?"
log "done"
