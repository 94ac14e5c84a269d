#!/usr/bin/env bash
# The Lambda report (docs/performance.md): builds the function jars and the bench module through the reactor, then
# runs every function jar under AWS's runtime interface client beside a minimal echo handler, against DynamoDB
# Local, and writes bench/report/report.md and report.json. About 5 to 10 minutes on 2 shared cores.
#
#   bench/run-report.sh                       # 5 cold rounds, 20 warm-up and 100 measured requests per operation
#   ROUNDS=3 MEASURED=50 bench/run-report.sh  # quicker
#   SKIP_BUILD=1 bench/run-report.sh          # reuse the jars already in target/
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/jdk.sh

if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q -ntp -pl bench,functions/event-relay -am package -DskipTests
fi
exec java -Dreport.root=. -Dreport.rounds="${ROUNDS:-5}" -Dreport.warmup="${WARMUP:-20}" \
  -Dreport.measured="${MEASURED:-100}" -cp bench/target/benchmarks.jar app.loyalty.bench.lambda.LambdaReport
