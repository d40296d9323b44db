#!/bin/sh
# Runs braid's litmus suite (ten shapes x RELAXED, RELEASE/ACQUIRE, SEQ_CST on braid's atomics)
# under jcstress and writes the report under braid-jcstress/results/litmus-<time>/.
#
#   braid-jcstress/litmus.sh              # quick mode (a few minutes on 2 cores)
#   braid-jcstress/litmus.sh -m default   # the long run documented in docs/memory-ordering.md
#
#   BRAID_JCSTRESS_CPUS=4 braid-jcstress/litmus.sh -t 'litmus\.(WRC|IRIW)' -sc false
#                                         # oversubscribed: 3- and 4-actor shapes on a 2-CPU box
#
# Extra arguments go to jcstress. Zero FORBIDDEN outcomes is the pass criterion.
#
# jcstress refuses to run a test with more actors than CPUs (WRC has 3, IRIW 4). With
# BRAID_JCSTRESS_CPUS=N above the real count, the run happens in a private mount namespace
# (`unshare -m`, needs root or user namespaces) where /proc/cpuinfo lists N cores and the sysfs CPU
# directory is hidden, and with affinity off (-af NONE); the JVM sees N processors. The actors then
# share the real CPUs, so weak outcomes are seen less often than on N real cores, but a FORBIDDEN
# outcome is forbidden however the threads are scheduled: zero FORBIDDEN is still the criterion.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
java=""
for d in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* "${HOME:-/x}"/.jdks/*; do
  [ -n "$d" ] && [ -f "$d/release" ] || continue
  v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$d/release")
  [ -n "$v" ] && [ "$v" -ge 25 ] && java="$d/bin/java" && break
done
[ -n "$java" ] || { echo "litmus.sh: no JDK 25 found; set JAVA_HOME" >&2; exit 1; }
jar=braid-jcstress/target/jcstress.jar
if [ ! -f "$jar" ] || [ -n "$(find braid-core/src/main braid-jcstress/src -newer "$jar" -type f | head -n 1)" ]; then
  ./mvnw -q -pl braid-jcstress -am package -Dmaven.test.skip=true
fi
mode="-m quick"
select="-t dev\.braid\.jcstress\.litmus\."
for a in "$@"; do
  [ "$a" = "-m" ] && mode=""
  [ "$a" = "-t" ] && select=""
done
results="results/litmus-$(date +%Y%m%d-%H%M%S)"
cd braid-jcstress
mkdir -p "$results"
cpus=${BRAID_JCSTRESS_CPUS:-}
if [ -n "$cpus" ] && [ "$cpus" -gt "$(nproc)" ]; then
  fake=$(mktemp -d)
  mkdir "$fake/sys"
  i=0
  while [ "$i" -lt "$cpus" ]; do
    printf 'processor\t: %d\nphysical id\t: 0\ncore id\t\t: %d\n\n' "$i" "$i" >>"$fake/cpuinfo"
    i=$((i + 1))
  done
  # shellcheck disable=SC2086
  unshare -m sh -c 'mount --bind "$1/sys" /sys/devices/system/cpu && mount --bind "$1/cpuinfo" /proc/cpuinfo && shift && exec "$@"' \
    sh "$fake" "$java" "-XX:ActiveProcessorCount=$cpus" --enable-native-access=ALL-UNNAMED -jar target/jcstress.jar \
    -af NONE -r "$results" $select $mode "$@"
  rm -rf "$fake"
else
  # shellcheck disable=SC2086
  "$java" --enable-native-access=ALL-UNNAMED -jar target/jcstress.jar -r "$results" $select $mode "$@"
fi
echo "litmus.sh: report in braid-jcstress/$results/index.html" >&2
