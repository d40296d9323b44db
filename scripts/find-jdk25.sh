# shellcheck shell=sh
# Sourced by braid's run scripts (braid-bench/run.sh, braid-jcstress/run.sh): finds a JDK 25 or
# newer exactly the way ./mvnw's braid preamble does, so benchmarks and stress tests run on the same
# JDK that compiled them. Keep the search in step with mvnw (which is not changed by this file).
#
# On success sets and exports JAVA_HOME and sets BRAID_JAVA to "$JAVA_HOME/bin/java"; otherwise
# prints why to stderr and returns 1.

braid_jdk_major() {
  [ -f "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release"
}

braid_find_jdk() {
  braid_best="" braid_best_v=0
  case $- in *f*) braid_noglob=1 && set +f ;; *) braid_noglob= ;; esac # the search needs globbing
  for braid_d in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "${HOME:-/nonexistent}"/.sdkman/candidates/java/* "${HOME:-/nonexistent}"/.jdks/*; do
    braid_v=$(braid_jdk_major "$braid_d")
    [ -n "$braid_v" ] && [ "$braid_v" -ge 25 ] && [ "$braid_v" -gt "$braid_best_v" ] && [ -x "$braid_d/bin/java" ] &&
      braid_best="$braid_d" braid_best_v="$braid_v"
  done
  [ -z "$braid_noglob" ] || set -f
  printf '%s' "$braid_best"
}

braid_use_jdk25() {
  if [ -z "${JAVA_HOME:-}" ] || [ "$(braid_jdk_major "$JAVA_HOME")" = "" ] || [ "$(braid_jdk_major "$JAVA_HOME")" -lt 25 ]; then
    braid_jdk=$(braid_find_jdk)
    if [ -z "$braid_jdk" ]; then
      echo "braid: no JDK 25 or newer found (looked in /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks); set JAVA_HOME" >&2
      return 1
    fi
    JAVA_HOME="$braid_jdk"
  fi
  export JAVA_HOME
  BRAID_JAVA="$JAVA_HOME/bin/java"
}

braid_use_jdk25
