#!/bin/sh
# The channel stress program at full size: 10^7 messages per configuration (flavors x producers
# {1,2,4} x consumers {1,2,4}) under interrupts, timeouts, expiring scopes and a random close or
# cancel, with exact accounting (received + undelivered = sent). Takes hours on 2 cores; pass a
# smaller size as the first argument (e.g. 1000000), and a seed as the second. The locked ring
# starts at one slot and the unbounded segment ring (ADR 0057) has two cells a segment, so growth,
# wrap-around and segment boundaries happen all the time.
#
#   scripts/channel-stress.sh [messages] [seed]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
messages=${1:-10000000}
seed=${2:-42}
exec ./mvnw -q -pl braid-core -am test -Dtest='ChannelStressTest' \
  -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbraid.channel.stress.messages="$messages" -Dbraid.channel.stress.seed="$seed" \
  -Dbraid.channel.ring=1 -Dbraid.channel.segment=2
