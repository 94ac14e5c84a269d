#!/usr/bin/env bash
# Cold-start proxy for the card-issuance function (docs/performance.md, "Cold start").
#
# Starts DynamoDB Local in a process of its own (ColdStartServer), then launches RUNS fresh JVMs per
# configuration, each with only the deployable functions/card-issuance/target/card-issuance.jar and the ColdStart
# class on its class path, configured as Lambda configures the function (environment variables). Each prints the
# milliseconds from launch to main, to the handler constructed (init) and to its first three responses; this
# script prints the median of each per configuration.
#
#   bench/cold-start.sh                  # RUNS=5 per configuration
#   RUNS=9 bench/cold-start.sh
#   FUNCTION_JAR=/path/to/other-card-issuance.jar bench/cold-start.sh   # e.g. a shrunk jar
#   FUNCTION_JARS="a.jar b.jar" CONFIGURATIONS=c1 bench/cold-start.sh     # compare jars, runs interleaved
#
# Needs: ./mvnw -B -ntp -f bench/pom.xml package (bench/target/benchmarks.jar, bench/target/classes) and the
# function jar (./mvnw -B -ntp -pl functions/card-issuance -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/jdk.sh

RUNS=${RUNS:-5}
FUNCTION_JARS=${FUNCTION_JARS:-${FUNCTION_JAR:-functions/card-issuance/target/card-issuance.jar}}
read -r -a jars <<<"$FUNCTION_JARS"
read -r -a configurations <<<"${CONFIGURATIONS:-default c1 c1-primed}"
BENCH_JAR=bench/target/benchmarks.jar
BENCH_CLASSES=bench/target/classes
for required in "${jars[@]}" "$BENCH_JAR" "$BENCH_CLASSES/app/loyalty/bench/ColdStart.class"; do
  [ -e "$required" ] || { echo "Missing $required: build first (see the header of $0)" >&2; exit 1; }
done

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The server exits by itself after 600 s even if this script is killed before its trap runs.
java -cp "$BENCH_JAR" app.loyalty.bench.ColdStartServer 600 </dev/null >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 120); do
  grep -q '^ready$' "$work/server.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
  sleep 0.5
done
grep -q '^ready$' "$work/server.out" || { echo "DynamoDB Local did not start within 60 s" >&2; cat "$work/server.err" >&2; exit 1; }
endpoint=$(sed -n 's/^endpoint=//p' "$work/server.out")
table=$(sed -n 's/^table=//p' "$work/server.out")

# What Lambda gives the function: region, the role's credentials, TABLE_NAME; the endpoint points the SDK here.
run_once() { # $1 = result name, $2 = function jar, $3 = JAVA_TOOL_OPTIONS ("" for none), $4.. = ColdStart arguments
  local name=$1 jar=$2 tool_options=$3; shift 3
  local launched line
  launched=$(date +%s%N)
  line=$(env -i PATH="$PATH" HOME="$HOME" \
      AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
      AWS_ENDPOINT_URL="$endpoint" TABLE_NAME="$table" ${tool_options:+JAVA_TOOL_OPTIONS="$tool_options"} \
      timeout 60 "$JAVA_HOME/bin/java" -Dcoldstart.launchedAtEpochNanos="$launched" \
      -cp "$jar:$BENCH_CLASSES" app.loyalty.bench.ColdStart "$@" 2>"$work/last.err" | grep '^COLDSTART' || true)
  if [ -z "$line" ]; then
    echo "Run of '$name' failed:" >&2; cat "$work/last.err" >&2; exit 1
  fi
  echo "$name ${line#COLDSTART }" >>"$work/results"
}

C1='-XX:+TieredCompilation -XX:TieredStopAtLevel=1'   # template.yaml's JAVA_TOOL_OPTIONS
label() { # a result's name: the configuration, and the jar when several are compared
  if [ ${#jars[@]} -gt 1 ]; then echo "$1@$(basename "$2" .jar)"; else echo "$1"; fi
}
run_configuration() { # $1 = configuration, $2 = jar
  case $1 in
    default) run_once "$(label "$1" "$2")" "$2" "" ;;
    c1) run_once "$(label "$1" "$2")" "$2" "$C1" ;;
    c1-primed) run_once "$(label "$1" "$2")" "$2" "$C1" --prime ;;
    *) echo "Unknown configuration $1 (default, c1, c1-primed)" >&2; exit 1 ;;
  esac
}

echo "JVM: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); runs: $RUNS"
for jar in "${jars[@]}"; do echo "jar: $jar ($(stat -c %s "$jar") bytes)"; done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for jar in "${jars[@]}"; do   # one discarded launch per jar: page cache and CDS archive warm
  run_configuration "${configurations[0]}" "$jar"
done
: >"$work/results"
for _ in $(seq 1 "$RUNS"); do   # interleaved, so that a change of machine load hits every variant alike
  for jar in "${jars[@]}"; do
    for configuration in "${configurations[@]}"; do run_configuration "$configuration" "$jar"; done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "All runs (ms since launch; prime = duration of the priming requests):"
cat "$work/results"
echo
echo "Medians. Since launch: JVM to main, init done, first response. Own duration: priming, each request."
echo "| configuration | runs | JVM to main | init done | first response | priming | 1st request | 2nd request | 3rd request |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for name in $(awk '{print $1}' "$work/results" | awk '!seen[$0]++'); do
  awk -v c="$name" '
    function median(values, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = values[i]; for (j = i - 1; j >= 1 && values[j] > t; j--) values[j + 1] = values[j]; values[j + 1] = t }
      return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
    }
    $1 == c {
      n++
      for (f = 2; f <= NF; f++) { split($f, kv, "="); v[kv[1], n] = kv[2] }
    }
    END {
      split("main init first prime firstRequest secondRequest thirdRequest", keys, " ")
      printf "| %s | %d |", c, n
      for (k = 1; k <= 7; k++) { delete col; for (i = 1; i <= n; i++) col[i] = v[keys[k], i] + 0; printf " %.0f ms |", median(col, n) }
      print ""
    }' "$work/results"
done
