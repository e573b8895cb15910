cd /work/wt/anchors
export OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 CAUSALMM_THREADS=1
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP="/tmp/anchors-benchcls:/tmp/anchors-libcls:$(ls bench/target/lib/*.jar | grep -v causalmm-0 | tr '\n' ':')"
uptime
for r in none c3r imml cmir; do for m in eager-libtorch eager; do
  $J --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.causalmm.bench.StepProfile late-fusion $r 500 $m 2>&1 | grep -v WARN | tail -3 | sed "s/^/$m /"
done; done
uptime
