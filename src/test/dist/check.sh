#!/usr/bin/env bash
# Checks the bin tarball as a user gets it: unpacked into an empty folder and run with nothing but a JDK 25
# (no Maven, no sources, no ~/.m2: HOME and PATH are fresh), plus `java -jar` on the main jar.
# Build it first: ./mvnw -B -DskipTests -Pcpu,dist package. Starts LibTorch JVMs one after the other.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
shopt -s nullglob
tarballs=("$root"/target/causalmm-*-bin.tar.gz)
[ ${#tarballs[@]} = 1 ] || { echo "dist check: expected one target/causalmm-*-bin.tar.gz, found ${#tarballs[@]}: run ./mvnw -B -DskipTests -Pcpu,dist package" >&2; exit 1; }
. "$root/.mvn/find-jdk.sh"   # JAVA_HOME: the JDK 25 a user would have

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar xzf "${tarballs[0]}" -C "$work"
dist=("$work"/causalmm-*/)
dist="${dist[0]%/}"
[ -x "$dist/bin/causalmm" ] || { echo "dist check: no executable bin/causalmm in the tarball" >&2; exit 1; }

# PATH holds only the shell tools the launcher uses: no mvn, no java (the launcher finds it through JAVA_HOME)
mkdir -p "$work/path" "$work/home" "$work/run"
for t in bash env dirname readlink sed head cut; do ln -s "$(command -v "$t")" "$work/path/$t"; done
# The JVM takes user.home (where JavaCPP caches the natives) from the password file, not from $HOME, so
# the check points it at the fresh home: the natives are unpacked into an empty cache, as on a user's first
# run (that first load once crashed when a system LibTorch was installed; Engine now unpacks every native
# before loading, see docs/using-the-library.md). DIST_CHECK_REUSE_NATIVES=1 reuses ~/.javacpp/cache.
home_opt="-Duser.home=$work/home"
[ "${DIST_CHECK_REUSE_NATIVES:-0}" = 1 ] && home_opt=""
user_env=(env -i PATH="$work/path" HOME="$work/home" JAVA_HOME="$JAVA_HOME" CAUSALMM_JAVA_OPTS="$home_opt")
fail() { echo "dist check FAILED: $*" >&2; exit 1; }
cd "$work/run"

echo "== bin/causalmm --help (from $(basename "${tarballs[0]}"), $(du -h "${tarballs[0]}" | cut -f1))"
"${user_env[@]}" "$dist/bin/causalmm" --help > help.txt 2>&1 || { cat help.txt; fail "bin/causalmm --help exited $?"; }
grep -q 'Usage: causalmm' help.txt || { cat help.txt; fail "bin/causalmm --help printed no usage"; }

echo "== bin/causalmm train (1 epoch of MMLSynData, concat) in an empty folder"
t0=$SECONDS
"${user_env[@]}" "$dist/bin/causalmm" train --dataset mmlsyn --model concat --epochs 1 --seed 1 --out out > train.txt 2>&1 \
  || { cat train.txt; fail "bin/causalmm train exited non-zero"; }
[ -s out/results.json ] || { cat train.txt; fail "train wrote no out/results.json"; }
grep -q '"accuracy"' out/results.json || fail "out/results.json has no accuracy"
tail -n 3 train.txt | sed 's/^/   | /'
echo "   trained in $((SECONDS - t0)) s; fresh home: $(du -sh "$work/home" | cut -f1)"

echo "== java -jar (the manifest's Class-Path and Enable-Native-Access): train from the tarball's jar, --help from target/"
jar=("$dist"/causalmm-*.jar)
"${user_env[@]}" "$JAVA_HOME/bin/java" $home_opt -jar "${jar[0]}" train --dataset mmlsyn --model concat --epochs 1 --seed 1 --out out-jar > jar.txt 2>&1 \
  || { cat jar.txt; fail "java -jar ${jar[0]} train exited non-zero"; }
[ -s out-jar/results.json ] || { cat jar.txt; fail "java -jar train wrote no results.json"; }
if grep -q 'restricted method' jar.txt; then cat jar.txt; fail "java -jar warns about native access: the manifest lacks Enable-Native-Access"; fi
jar=("$root"/target/causalmm-*[0-9T].jar)
"${user_env[@]}" "$JAVA_HOME/bin/java" -jar "${jar[0]}" --help > jar.txt 2>&1 || { cat jar.txt; fail "java -jar ${jar[0]} --help exited non-zero"; }
grep -q 'Usage: causalmm' jar.txt || { cat jar.txt; fail "java -jar ${jar[0]} --help printed no usage"; }
echo "dist check passed"
