#!/bin/sh
# Runs braid's JMH benchmarks on JDK 25 and writes the JSON results into docs/perf/.
#
#   braid-bench/run.sh                          # the whole suite
#   braid-bench/run.sh SeamCost                 # benchmarks matching a regexp
#   braid-bench/run.sh MutexUncontended -prof gc
#   BENCH_RESULT=docs/perf/foo.json braid-bench/run.sh ...   # choose the JSON file
#
# Every argument goes to JMH (org.openjdk.jmh.Main; `-h` lists them). The uber-jar is rebuilt when
# it is missing or older than any source or POM of braid-core or braid-bench; BRAID_SKIP_BUILD=1
# uses an existing jar as it is (e.g. while someone is editing braid-core).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/scripts/find-jdk25.sh"

jar=braid-bench/target/benchmarks.jar
if [ ! -f "$jar" ] || { [ "${BRAID_SKIP_BUILD:-0}" != 1 ] && [ -n "$(find pom.xml braid-core/pom.xml braid-core/src/main braid-testkit/pom.xml braid-testkit/src/main braid-bench/pom.xml braid-bench/src -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; }; then
  echo "braid-bench: building $jar" >&2
  # test sources of braid-core are not needed for the jar, so they are not even compiled
  ./mvnw -q -pl braid-bench -am package -Dmaven.test.skip=true
fi

mkdir -p docs/perf
result=${BENCH_RESULT:-docs/perf/jmh-$(date +%Y%m%d-%H%M%S).json}
"$BRAID_JAVA" -version 2>&1 | head -n 1 >&2
"$BRAID_JAVA" --sun-misc-unsafe-memory-access=allow -jar "$jar" -rf json -rff "$result" "$@"
echo "braid-bench: JSON results in $result" >&2
