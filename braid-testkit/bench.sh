#!/bin/sh
# The testkit's bug benchmark: per program and strategy, schedules to the first bug (median of the
# seeds) and schedules/s, then the parallel speed-up; Markdown on standard output.
#
#   braid-testkit/bench.sh                 # 5 seeds, 10,000 schedules; speed-up: 200,000 x 9 rounds
#                                          # (shorter runs, e.g. 40,000 x 5, are dominated by start-up
#                                          # and JIT noise: 1.67-1.74x where 200,000 x 9 gives ~1.8x)
#   braid-testkit/bench.sh 3 2000 10000    # quicker
#   braid-testkit/bench.sh 0 0 20000 7     # only the speed-up: 7 rounds of p=1 / p=2 (order
#                                          # alternating), median and spread of the ratio
#
# BENCH_STRATEGIES=coverage,surw runs only those columns (the portfolio check needs PORTFOLIO).
# BENCH_PROGRAMS='(ch|select|pool|async)-.*|ctrl-(ch|select|pool|async)-.*' runs only the programs
# whose names match (here the channel, select, pool and async corpus of testkit 10).
# Exits 1 if a control was reported or the portfolio missed a bug. BRAID_SKIP_BUILD=1 reuses the
# compiled classes as they are.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/scripts/find-jdk25.sh"

if [ "${BRAID_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -pl braid-testkit -am test-compile -Dspotless.check.skip=true
fi
cp="braid-core/target/classes:braid-testkit/target/classes:braid-testkit/target/test-classes"
# --add-opens: each engine gets a carrier of its own (ADR 0063); BENCH_CARRIER=shared runs the
# simulated threads on the JDK's shared pool instead, for an A/B.
# -Djdk.trackAllThreads=false: the JDK otherwise adds every virtual thread to one global set at
# start and removes it at exit, which parallel engines contend on (docs/perf/testkit.md, night of
# 2026-12-04); BENCH_TRACK=true restores the JDK default for an A/B.
exec "$BRAID_JAVA" --add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads="${BENCH_TRACK:-false}" \
  -Dbraid.testkit.carrier="${BENCH_CARRIER:-own}" -cp "$cp" dev.braid.testkit.bench.BugBenchmark "$@"
