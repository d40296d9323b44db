#!/usr/bin/env bash
# The consumer smoke test (issue 15), run by this module's verify phase (see pom.xml):
#
#   1. installs the freshly built braid-parent, braid-core and braid-testkit into an ISOLATED local
#      repository, target/consumer-repo (never into ~/.m2, which other builds share);
#   2. writes a tiny consumer project, target/consumer, whose <dependencies> are copied verbatim
#      from the README's "Use it" section (between the consumer-smoke markers), so the README's
#      coordinates are exactly what is tested;
#   3. runs `mvn test` on it offline, resolving braid from the isolated repository and everything
#      else (JUnit, Maven plugins) read-only from the normal local repository
#      (maven.repo.local.tail), and checks that both of its tests ran: one plain JUnit test and
#      one @SimTest.
#
# Usage: run.sh MAVEN_HOME JAVA_HOME LOCAL_REPOSITORY VERSION
set -euo pipefail
cd "$(dirname "$0")"
maven_home=$1 java_home=$2 local_repo=$3 version=$4
root=..
out=target
repo=$out/consumer-repo
project=$out/consumer

fail() {
  echo "consumer smoke test: $*" >&2
  exit 1
}

# 1. the isolated repository, in the standard layout
rm -rf "$repo" "$project"
install_artifact() { # artifactId pomFile [jarFile]
  local dir=$repo/dev/braid/$1/$version
  mkdir -p "$dir"
  cp "$2" "$dir/$1-$version.pom"
  if [ $# -ge 3 ]; then
    [ -f "$3" ] || fail "$3 is missing: build braid-core and braid-testkit first (the reactor does)"
    cp "$3" "$dir/$1-$version.jar"
  fi
}
install_artifact braid-parent "$root/pom.xml"
install_artifact braid-core "$root/braid-core/pom.xml" "$root/braid-core/target/braid-core-$version.jar"
install_artifact braid-testkit "$root/braid-testkit/pom.xml" "$root/braid-testkit/target/braid-testkit-$version.jar"

# 2. the consumer project: the template plus the README's dependency block
deps=$(sed -n '/<!-- consumer-smoke:begin -->/,/<!-- consumer-smoke:end -->/p' "$root/README.md" | sed '1d;$d' | grep -v '^```')
[ -n "$deps" ] || fail "README.md has no block between <!-- consumer-smoke:begin --> and <!-- consumer-smoke:end -->"
case $deps in
  *"<version>$version</version>"*) ;;
  *) fail "the README's coordinates do not name version $version (update README.md's \"Use it\" section)" ;;
esac
cp -r src/consumer "$project"
mkdir -p "$project/.mvn" # makes the consumer its own Maven project root (not braid's .mvn)
printf '%s\n' "$deps" > "$project/deps.xml"
awk -v f="$project/deps.xml" '/<!-- README dependencies -->/ { while ((getline l < f) > 0) print l; next } { print }' \
  "$project/pom.xml.in" > "$project/pom.xml"
rm -f "$project/pom.xml.in" "$project/deps.xml"

# 3. run it
log=$out/consumer.log
repo_abs=$PWD/$repo
if ! (cd "$project" && JAVA_HOME="$java_home" MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow -XX:TieredStopAtLevel=1" "$maven_home/bin/mvn" -B -o --no-transfer-progress \
  -Dmaven.repo.local="$repo_abs" -Dmaven.repo.local.tail="$local_repo" \
  test) > "$log" 2>&1; then
  cat "$log" >&2
  fail "the consumer project failed (log above, also in $PWD/$log)"
fi
grep -q 'Tests run: 2, Failures: 0, Errors: 0, Skipped: 0' "$log" ||
  { cat "$log" >&2; fail "expected exactly 2 tests to run and pass (log above)"; }
echo "consumer smoke test: passed (a plain test and a @SimTest, against README's coordinates)"
