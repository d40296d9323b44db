#!/bin/sh
# Runs the real javadoc tool with -Xdoclint:all over braid-core and braid-testkit (the published
# modules, exported packages) and fails on any warning. The build's own gate is javac's doclint
# (ADR 0041, property braid.doclint in the parent pom); this script is the exact check that issue 15
# counts, for a release or a reviewer:
#
#   scripts/javadoc-check.sh            # prints the warnings and their count; exit 1 if any
#
# Needs JUnit's API jars in the local Maven repository (any build of braid-testkit puts them there).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/scripts/find-jdk25.sh"
repo=${MAVEN_REPO:-$HOME/.m2/repository}
junit=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml)
platform=1.${junit#5.}
mp=""
for jar in "$repo/org/junit/jupiter/junit-jupiter-api/$junit/junit-jupiter-api-$junit.jar" \
  "$repo/org/junit/platform/junit-platform-commons/$platform/junit-platform-commons-$platform.jar" \
  "$repo"/org/opentest4j/opentest4j/1.3.0/opentest4j-1.3.0.jar \
  "$repo"/org/apiguardian/apiguardian-api/1.1.2/apiguardian-api-1.1.2.jar; do
  [ -f "$jar" ] || { echo "javadoc-check: missing $jar (build braid-testkit once)" >&2; exit 2; }
  mp="$mp${mp:+:}$jar"
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log="$out/javadoc.log"
"$JAVA_HOME/bin/javadoc" -Xdoclint:all -quiet -Xmaxwarns 10000 -d "$out/core" \
  --module-source-path dev.braid=braid-core/src/main/java --module dev.braid >"$log" 2>&1 || true
"$JAVA_HOME/bin/javadoc" -Xdoclint:all -quiet -Xmaxwarns 10000 -d "$out/testkit" \
  --module-source-path dev.braid=braid-core/src/main/java \
  --module-source-path dev.braid.testkit=braid-testkit/src/main/java \
  --module-path "$mp" --module dev.braid.testkit >>"$log" 2>&1 || true
count=$(grep -c -E ': (warning|error):' "$log" || true)
cat "$log"
echo "javadoc-check: $count doclint warnings/errors in braid-core and braid-testkit"
[ "$count" -eq 0 ]
