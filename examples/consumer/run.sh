#!/usr/bin/env bash
# Installs causalmm into ~/.m2, then builds and runs this separate project, which depends only on
# dev.causalmm:causalmm, with the README's Java example. Fails if the example differs from the README's, if the
# library drags a logging backend or a CLI/chart/tokenizer jar onto the consumer's class path, if the LibTorch
# natives for linux-x86_64 are missing or another OS's are there, or if the example does not print its result.
# Extra Maven flags (e.g. -o) go in MAVEN_ARGS. Starts one LibTorch JVM.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fail() { echo "consumer example FAILED: $*" >&2; exit 1; }

# the README block, as ReadmeExampleTest reads it
readme_block() {
  sed -n '/<!-- example:start -->/,/<!-- example:end -->/p' "$root/README.md" | sed -n '/^```java/,/^```$/p' | sed '1d;$d'
}
diff <(readme_block) "$here/src/main/java/QuickStart.java" > /dev/null \
  || fail "examples/consumer/src/main/java/QuickStart.java differs from the README's example: copy the README block into it"

t0=$SECONDS
echo "== install the library (./mvnw -B -q -DskipTests install)"
(cd "$root" && ./mvnw -B -q -DskipTests install)
t1=$SECONDS
echo "== build the consumer"
(cd "$here" && "$root/mvnw" -B -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
t2=$SECONDS
cp="$(cat "$here/target/classpath.txt")"
jars="$(tr ':' '\n' < "$here/target/classpath.txt" | sed 's|.*/||' | sort)"
echo "   class path: $(echo "$jars" | wc -l) jars: $(echo "$jars" | tr '\n' ' ')"
banned="$(grep -E '^(slf4j-(simple|reload4j|jdk14|nop)|logback-|log4j-slf4j|picocli|xchart|tokenizers|pdfbox|junit)' <<< "$jars" || true)"
[ -z "$banned" ] || fail "the library brought these onto the consumer's class path: $(echo "$banned" | tr '\n' ' ')"
grep -q '^causalmm-0\.1\.0-SNAPSHOT\.jar$' <<< "$jars" || fail "causalmm itself is not on the class path"
grep -q '^pytorch-.*-linux-x86_64\.jar$' <<< "$jars" || fail "no LibTorch natives for linux-x86_64 on the class path"
other="$(grep -E -- '-(macosx|windows|android|ios|linux-arm64|linux-ppc64le)' <<< "$jars" || true)"
[ -z "$other" ] || fail "natives of other platforms on the class path (javacpp.platform not applied): $(echo "$other" | tr '\n' ' ')"

echo "== run QuickStart (the README example)"
. "$root/.mvn/find-jdk.sh"
out="$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/target/classes:$cp" QuickStart 2>&1)" \
  || { echo "$out"; fail "QuickStart exited non-zero"; }
echo "$out" | sed 's/^/   | /'
grep -Eq 'best epoch [0-9]+, test accuracy 0\.[0-9]{3}' <<< "$out" || fail "QuickStart printed no result line"
grep -q 'No SLF4J providers' <<< "$out" || fail "SLF4J found a logging provider: the consumer should have none"
echo "consumer example passed (install $((t1 - t0)) s, build $((t2 - t1)) s, run $((SECONDS - t2)) s)"
