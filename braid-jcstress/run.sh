#!/usr/bin/env bash
# Builds braid-jcstress and runs jcstress. Arguments go to jcstress, e.g.
#   braid-jcstress/run.sh -t 'dev.braid.jcstress.sync' -m quick
# (modes: sanity, quick, default, tough, stress). Reports land in braid-jcstress/target/results.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# one reactor run, so braid-core resolves to this checkout's build and never to ~/.m2
./mvnw -q -pl braid-jcstress -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt
cp="$(cat braid-jcstress/target/classpath.txt)"
# the newest installed JDK >= 25 unless JAVA_HOME names one (as the Maven wrapper does)
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! "$java_bin" -version 2>&1 | grep -qE "version \"(2[5-9]|[3-9][0-9])"; then
  java_bin="$(ls -d /usr/lib/jvm/*2[5-9]* 2>/dev/null | sort -V | tail -1)/bin/java"
fi
cd braid-jcstress/target
exec "$java_bin" -cp "classes:$cp" org.openjdk.jcstress.Main -r results "$@"
