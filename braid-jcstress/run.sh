#!/bin/sh
# Runs braid's jcstress tests on JDK 25 and writes the report under braid-jcstress/results/.
#
#   braid-jcstress/run.sh                         # every test, -m quick
#   braid-jcstress/run.sh -t Mutex -m default     # tests matching a regexp, longer mode
#
# Every argument goes to jcstress (org.openjdk.jcstress.Main; `-h` lists them); `-m quick` is added
# unless a mode is given. Modes: sanity, quick, default, tough, stress. The uber-jar is rebuilt
# when it is missing or older than any source or POM of braid-core or braid-jcstress;
# BRAID_SKIP_BUILD=1 uses an existing jar as it is (e.g. while someone is editing braid-core).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/scripts/find-jdk25.sh"

jar=braid-jcstress/target/jcstress.jar
if [ ! -f "$jar" ] || { [ "${BRAID_SKIP_BUILD:-0}" != 1 ] && [ -n "$(find pom.xml braid-core/pom.xml braid-core/src/main braid-jcstress/pom.xml braid-jcstress/src -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; }; then
  echo "braid-jcstress: building $jar" >&2
  # test sources of braid-core are not needed for the jar, so they are not even compiled
  ./mvnw -q -pl braid-jcstress -am package -Dmaven.test.skip=true
fi

mode_given=no
for a in "$@"; do
  [ "$a" = "-m" ] && mode_given=yes
done

results="results/$(date +%Y%m%d-%H%M%S)"
cd braid-jcstress # jcstress drops its jcstress-results-*.bin.gz into the working directory
mkdir -p "$results"
"$BRAID_JAVA" -version 2>&1 | head -n 1 >&2
if [ "$mode_given" = yes ]; then
  "$BRAID_JAVA" --enable-native-access=ALL-UNNAMED -jar target/jcstress.jar -r "$results" "$@"
else
  "$BRAID_JAVA" --enable-native-access=ALL-UNNAMED -jar target/jcstress.jar -r "$results" -m quick "$@"
fi
echo "braid-jcstress: report in braid-jcstress/$results/index.html" >&2
