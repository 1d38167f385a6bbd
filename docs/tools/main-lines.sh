#!/usr/bin/env bash
# Lines of main Java code per module at a git revision: src/main/java, without blank lines and
# lines that are only comment. Metering's reservation package (issue 15) gets its own row, so that
# the modules issue 14 was about can be compared with what they were.
# Usage: docs/tools/main-lines.sh [rev [module...]]   (default HEAD, every module; the total is
# over the rows shown)
set -euo pipefail
rev=${1:-HEAD}
shift || true
only=" $* "
git ls-tree -r --name-only "$rev" | grep '/src/main/java/.*\.java$' | while read -r f; do
  module=${f%%/src/main/java/*}
  case $f in usage-metering-service/*/reservation/*) module="$module/reservation" ;; esac
  n=$(git show "$rev:$f" | awk '
    { line = $0 }
    inblock { if (!sub(/.*\*\//, "", line)) next; inblock = 0 }
    { gsub(/\047([^\047\\]|\\.)+\047/, "c", line); gsub(/"([^"\\]|\\.)*"/, "s", line) }
    { while ((i = index(line, "/*")) > 0) {
        rest = substr(line, i + 2); j = index(rest, "*/")
        if (j > 0) line = substr(line, 1, i - 1) " " substr(rest, j + 2)
        else { line = substr(line, 1, i - 1); inblock = 1 } } }
    { sub(/^[ \t]*\/\/.*/, "", line) }
    line ~ /[^ \t]/ { n++ }
    END { print n + 0 }')
  if [[ $# -eq 0 || $only == *" $module "* ]]; then echo "$module $n"; fi
done | awk '{ sum[$1] += $2; total += $2 }
  END { for (m in sum) printf "%-40s %6d\n", m, sum[m] | "sort"; close("sort"); printf "%-40s %6d\n", "total", total }'
