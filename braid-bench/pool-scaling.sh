#!/bin/sh
# Scaling run of the pool benchmarks: PoolFib, PoolForking and PoolSubmit with 1, 2, 4, 8 and 16
# workers, braid against ForkJoinPool (and ThreadPoolExecutor for PoolSubmit), one JSON file.
#
#   braid-bench/pool-scaling.sh                       # the full run, for a 16-core machine
#   braid-bench/pool-scaling.sh -wi 1 -i 1 -w 1s -r 1s   # a smoke run (e.g. on 2 cores)
#
# Extra arguments go to JMH. Worker counts above the machine's cores still run (oversubscribed),
# which is what the smoke run on 2 cores checks; only runs on at least as many cores as workers
# say anything about scaling.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
BENCH_RESULT=${BENCH_RESULT:-$root/docs/perf/pool-scaling-$(date +%Y%m%d-%H%M%S).json} \
  exec "$root/braid-bench/run.sh" 'pool\.Pool(Fib|Forking|Submit)' -p parallelism=1,2,4,8,16 -f 1 "$@"
