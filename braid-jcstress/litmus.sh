#!/bin/sh
# Runs braid's litmus suite (ten shapes x RELAXED, RELEASE/ACQUIRE, SEQ_CST on braid's atomics)
# under jcstress and writes the report under braid-jcstress/results/litmus-<time>/.
#
#   braid-jcstress/litmus.sh              # quick mode (a few minutes on 2 cores)
#   braid-jcstress/litmus.sh -m default   # the long run documented in docs/memory-ordering.md
#
# Extra arguments go to jcstress. Zero FORBIDDEN outcomes is the pass criterion.
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
for a in "$@"; do [ "$a" = "-m" ] && mode=""; done
results="results/litmus-$(date +%Y%m%d-%H%M%S)"
cd braid-jcstress
mkdir -p "$results"
# shellcheck disable=SC2086
"$java" --enable-native-access=ALL-UNNAMED -jar target/jcstress.jar -r "$results" -t 'dev\.braid\.jcstress\.litmus\.' $mode "$@"
echo "litmus.sh: report in braid-jcstress/$results/index.html" >&2
