#!/bin/bash
# Packs what scripts/many-core-run.sh needs on a bare many-core machine that has no JDK and no
# network: a jlink'd JDK 25 runtime (the modules the benchmarks and the testkit use, ~25 MB as
# .tar.xz) and the built jar and classes. Writes DIR/devjre.tar.xz and DIR/build.tar; on the
# other machine, from the repository root:
#
#   mkdir -p /tmp/j && tar -C /tmp/j -xJf DIR/devjre.tar.xz && tar -xf DIR/build.tar
#   scripts/many-core-run.sh /tmp/mc /tmp/j/devjre/bin/java
#
#   scripts/many-core-bundle.sh .dev      # e.g. a folder that .git/info/exclude ignores
set -eu
dir=${1:?usage: many-core-bundle.sh DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/scripts/find-jdk25.sh"
./mvnw -q -pl braid-bench,braid-testkit -am package -Dmaven.test.skip=true
./mvnw -q -pl braid-testkit -am test-compile -Dspotless.check.skip=true
mkdir -p "$dir"
tmp=$(mktemp -d)
"$JAVA_HOME/bin/jlink" --add-modules \
  java.base,java.logging,java.management,java.xml,jdk.jfr,jdk.management,jdk.management.jfr,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$tmp/devjre"
tar -C "$tmp" -cJf "$dir/devjre.tar.xz" devjre
rm -rf "$tmp"
tar -cf "$dir/build.tar" braid-bench/target/benchmarks.jar braid-core/target/classes \
  braid-testkit/target/classes braid-testkit/target/test-classes
ls -la "$dir"
