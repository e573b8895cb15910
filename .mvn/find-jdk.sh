# Sourced by ./mvnw and ./causalmm: makes JAVA_HOME point at a JDK >= 25.
# Order: $JAVA_HOME if it is >= 25, the `java` on PATH if it is >= 25, then well-known install
# folders (/usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks). Fails with a clear message otherwise.
causalmm_jdk_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1 | cut -d. -f1
}
causalmm_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(causalmm_jdk_major "$JAVA_HOME"); [ "${v:-0}" -ge 25 ] 2>/dev/null && return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    h=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(causalmm_jdk_major "$h"); if [ "${v:-0}" -ge 25 ] 2>/dev/null; then JAVA_HOME=$h; export JAVA_HOME; return 0; fi
  fi
  for h in /usr/lib/jvm/* /opt/java/* /opt/jdk* /opt/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$h/bin/javac" ] || continue
    v=$(causalmm_jdk_major "$h")
    if [ "${v:-0}" -ge 25 ] 2>/dev/null; then JAVA_HOME=$h; export JAVA_HOME; return 0; fi
  done
  echo "causalmm: no JDK 25 or newer found. Install one (e.g. Temurin 25) or set JAVA_HOME to it." >&2
  return 1
}
case $- in *f*) causalmm_noglob=1; set +f ;; *) causalmm_noglob=0 ;; esac
causalmm_find_jdk || exit 1
[ "$causalmm_noglob" = 1 ] && set -f
unset causalmm_noglob
