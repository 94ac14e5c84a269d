#!/usr/bin/env bash
# Jar sizes of every function and what fills them (docs/performance.md, "Jar sizes").
#
#   bench/jar-report.sh                 # all functions/*/target/<name>.jar
#   bench/jar-report.sh path/to/a.jar   # break down one jar (e.g. a shrunk variant)
#
# Prints markdown: each jar's size and entry count, then, per jar given (default: card-issuance, the others are
# within a few percent), compressed bytes by library, attributed by package prefix (unzip -lv), largest first.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
  echo "| function jar | bytes | MiB | entries | classes |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for dir in functions/*/; do
    [ -f "$dir/pom.xml" ] || continue
    name=$(basename "$dir")
    jar="$dir/target/$name.jar"
    [ -f "$jar" ] || { echo "| $name | (not built) | | | |"; continue; }
    bytes=$(stat -c %s "$jar")
    entries=$(unzip -Z1 "$jar" | grep -vc '/$' || true)
    classes=$(unzip -Z1 "$jar" | grep -c '\.class$' || true)
    awk -v n="$name.jar" -v b="$bytes" -v e="$entries" -v c="$classes" \
      'BEGIN { printf "| %s | %d | %.1f | %d | %d |\n", n, b, b / 1048576, e, c }'
  done
  echo
  set -- functions/card-issuance/target/card-issuance.jar
fi

for jar in "$@"; do
  echo "Breakdown of $jar (compressed bytes as stored in the jar):"
  echo
  echo "| library (by package) | compressed KiB | share | uncompressed KiB | entries |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  unzip -lv "$jar" | awk '
    NR > 3 && $1 ~ /^[0-9]+$/ && NF >= 8 && $8 !~ /\/$/ {
      path = $8
      if (path ~ /^software\/amazon\/awssdk\/services\/dynamodb\/model\//) lib = "AWS SDK dynamodb: model classes (used operations; functions/unused-sdk-classes.txt drops the rest)"
      else if (path ~ /^software\/amazon\/awssdk\/services\/dynamodb\/streams\//) lib = "AWS SDK dynamodb: DynamoDB Streams client (unused here)"
      else if (path ~ /^software\/amazon\/awssdk\/services\/dynamodb\//) lib = "AWS SDK dynamodb: client, marshallers, endpoints, waiters"
      else if (path ~ /^software\/amazon\/awssdk\/regions\/servicemetadata\//) lib = "AWS SDK regions: metadata of every AWS service"
      else if (path ~ /^software\/amazon\/awssdk\/regions\//) lib = "AWS SDK regions: other"
      else if (path ~ /^software\/amazon\/awssdk\/thirdparty\/jackson\//) lib = "AWS SDK third-party-jackson-core (its own Jackson copy)"
      else if (path ~ /^software\/amazon\/awssdk\/(core|awscore)\//) lib = "AWS SDK sdk-core, aws-core"
      else if (path ~ /^software\/amazon\/awssdk\//) lib = "AWS SDK other (auth, http, protocols, utils, retries, checksums)"
      else if (path ~ /^com\/fasterxml\/jackson\/databind\//) lib = "jackson-databind"
      else if (path ~ /^com\/fasterxml\/jackson\/core\//) lib = "jackson-core"
      else if (path ~ /^com\/fasterxml\/jackson\/datatype\/jsr310\//) lib = "jackson-datatype-jsr310"
      else if (path ~ /^com\/fasterxml\/jackson\/annotation\//) lib = "jackson-annotations"
      else if (path ~ /^com\/amazonaws\/services\/lambda\/runtime\/events\//) lib = "aws-lambda-java-events (every event type)"
      else if (path ~ /^com\/amazonaws\/services\/lambda\/runtime\//) lib = "aws-lambda-java-core"
      else if (path ~ /^org\/joda\/time\//) lib = "joda-time (via aws-lambda-java-events)"
      else if (path ~ /^org\/crac\//) lib = "org-crac"
      else if (path ~ /^org\/reactivestreams\//) lib = "reactive-streams (SDK)"
      else if (path ~ /^org\/slf4j\//) lib = "slf4j-api (SDK)"
      else if (path ~ /^app\/loyalty\//) lib = "our code (shared + function)"
      else if (path ~ /^META-INF\//) lib = "META-INF (poms, licenses, services)"
      else lib = "other"
      stored[lib] += $3; size[lib] += $1; count[lib]++; total += $3
    }
    END {
      for (lib in stored) printf "%d\t%s\t%d\t%d\n", stored[lib], lib, size[lib], count[lib]
      printf "%d\tTOTAL\t%d\t%d\n", -1, 0, 0
    }' | sort -t$'\t' -k1,1nr | awk -F'\t' '
      $2 == "TOTAL" { next }
      { rows[++n] = $0; total += $1 }
      END {
        for (i = 1; i <= n; i++) {
          split(rows[i], f, "\t")
          printf "| %s | %.0f | %.1f %% | %.0f | %d |\n", f[2], f[1] / 1024, 100 * f[1] / total, f[3] / 1024, f[4]
        }
        printf "| **entries total** | %.0f | 100 %% | | |\n", total / 1024
      }'
  echo
done
