#!/usr/bin/env bash
# Every measurement of docs/performance.md in one go (about 12 minutes on 2 cores), results in bench/target/results/.
#
#   ./mvnw -B -ntp -f bench/pom.xml package            # first (and the function jars, see cold-start.sh)
#   bench/run-all.sh                      # or some steps: bench/run-all.sh cpu dynamodb-local
#   steps: cpu cpu-c1 domain dynamodb-local cold-start jars
#
# Records the machine's load and CPU pressure before and after each step: other work on the machine shows up in
# wall-clock scores (not in the ·cpu.worker and ·gc.alloc.rate.norm figures).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/jdk.sh

out=bench/target/results
mkdir -p "$out"
jmh() { # $1 = result name, rest = JMH arguments
  local name=$1; shift
  echo "== $name: load $(cut -d' ' -f1-3 /proc/loadavg), cpu pressure $(head -1 /proc/pressure/cpu 2>/dev/null || echo n/a)"
  timeout 900 java -jar bench/target/benchmarks.jar "$@" -foe true -rf json -rff "$out/$name.json" >"$out/$name.txt" 2>&1
  sed -n '/^Benchmark /,$p' "$out/$name.txt"
  echo "   after: load $(cut -d' ' -f1-3 /proc/loadavg), cpu pressure $(head -1 /proc/pressure/cpu 2>/dev/null || echo n/a)"
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(cpu cpu-c1 domain dynamodb-local cold-start jars)
wants() { local step; for step in "${steps[@]}"; do [ "$step" = "$1" ] && return 0; done; return 1; }

nproc_line="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "machine: $nproc_line" | tee "$out/machine.txt"
java -version 2>&1 | tee -a "$out/machine.txt"
PROFILERS=(-prof gc -prof app.loyalty.bench.WorkerCpuProfiler)

# 1. Handler CPU without I/O, default JIT (C2). 10 warmup seconds: the request paths are large (Jackson, SDK
#    builders) and C2 needs several seconds on 2 shared cores to settle; 3 were not enough.
wants cpu && jmh cpu HandlerCpuBenchmark -f 1 -wi 10 -i 5 "${PROFILERS[@]}"
# 2. The same with template.yaml's JAVA_TOOL_OPTIONS (C1 only): steady state on Lambda as configured.
wants cpu-c1 && jmh cpu-c1 HandlerCpuBenchmark -f 1 -wi 10 -i 5 "${PROFILERS[@]}" \
  -jvmArgsAppend '-XX:+TieredCompilation -XX:TieredStopAtLevel=1'
# 3. The ledger and the earn calculation (small, settle within a second).
wants domain && jmh domain 'LedgerBenchmark|EarnCalculatorBenchmark' -f 1 -wi 3 -i 5 "${PROFILERS[@]}"
# 4. End to end over loopback against in-process DynamoDB Local (settings in the class: 5 + 5 iterations of 1 s).
wants dynamodb-local && jmh dynamodb-local HandlerDynamoDbLocalBenchmark -f 1
# 5. Cold start of the deployable jar; then the shrunk variants against it, interleaved (if the experiment is built).
if wants cold-start; then
  echo "== cold start"
  RUNS=7 bench/cold-start.sh | tee "$out/cold-start.txt"
  minimized=bench/jar-experiments/card-issuance-minimized/target
  if [ -f $minimized/card-issuance-minimized.jar ] && [ -f $minimized/card-issuance-minimized-sdk.jar ]; then
    echo "== cold start by jar"
    RUNS=7 CONFIGURATIONS=c1 FUNCTION_JARS="functions/card-issuance/target/card-issuance.jar \
$minimized/card-issuance-minimized.jar $minimized/card-issuance-minimized-sdk.jar" bench/cold-start.sh \
      | tee "$out/cold-start-by-jar.txt"
  fi
fi
# 6. Jar sizes.
if wants jars; then
  echo "== jars"
  bench/jar-report.sh | tee "$out/jars.txt"
fi
