#!/usr/bin/env bash
# Opens a braid HTML trace in headless Chromium and checks that it shows the failing step and
# displays a hostile thread name as text (issue 14, point 5). Not part of the default Maven run:
# it needs Chromium (installed here from Debian's `chromium` package when missing) and takes a
# few seconds.
#
#   braid-testkit/check-trace.sh [screenshot.png]
#
# 1. runs TraceTest, which explores an ABBA deadlock whose first worker is named
#    <script>alert(1)</script> and writes target/braid-traces/TraceTest.abba-*.html;
# 2. dumps the DOM after Chromium has parsed and laid out the page and checks it: the name is a
#    text node (escaped in the serialized DOM), no <script> element exists, the fatal row is
#    there and highlighted, the wait-for cycle is drawn;
# 3. takes a screenshot (default target/braid-traces/trace.png) to look at.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
shot="${1:-$here/target/braid-traces/trace.png}"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$browser" ]]; then
  echo "check-trace: installing chromium (Debian package)"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  browser="$(command -v chromium)"
fi

rm -f "$here"/target/braid-traces/TraceTest.abba-*.html
(cd "$root" && ./mvnw -q -pl braid-testkit -am verify -Dtest=TraceTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true)
page="$(ls "$here"/target/braid-traces/TraceTest.abba-*.html | head -1)"
echo "check-trace: page $page"

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files)
dom="$("$browser" "${flags[@]}" --dump-dom "file://$page" 2>/dev/null)"

fail=0
check() { # description, grep -E pattern, expected count predicate (present|absent)
  if grep -qE -- "$2" <<<"$dom"; then found=present; else found=absent; fi
  if [[ "$found" == "$3" ]]; then echo "  ok: $1"; else echo "  FAILED: $1 ($2 is $found)"; fail=1; fi
}
check "the hostile thread name is shown as text" '&lt;script&gt;alert\(1\)&lt;/script&gt;' present
check "no script element was created" '<script' absent
check "the fatal step's row is highlighted" '<tr id="fatal" class="fatal">' present
check "the fatal step names its source line" 'id="fatal".*TraceTest\.lockBoth\(TraceTest\.java:[0-9]+\)' present
check "the wait-for cycle is drawn" '<svg id="cycle"' present
check "one lane per thread (main, the hostile one, T2)" '<th class="lane">T2</th>' present

mkdir -p "$(dirname "$shot")"
"$browser" "${flags[@]}" --screenshot="$shot" --window-size=1280,2000 "file://$page" 2>/dev/null
[[ -s "$shot" ]] || { echo "  FAILED: no screenshot"; fail=1; }
echo "check-trace: screenshot $shot"
if [[ $fail -ne 0 ]]; then echo "check-trace: FAILED"; exit 1; fi
echo "check-trace: passed"
