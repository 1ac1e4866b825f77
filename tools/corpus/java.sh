#!/usr/bin/env bash
# Compile and run tools/corpus/java/CalendarSync.java (needs a JDK, 17 tested).
# Output: $OUT_DIR/java.log (JUL SimpleFormatter lines + printStackTrace output).
source "$(dirname "$0")/common.sh"
TMP=$(mktemp -d /tmp/corpus-java.XXXXXX)
javac -d "$TMP" "$CORPUS_DIR/java/CalendarSync.java"
java -Djava.util.logging.SimpleFormatter.format='%1$tF %1$tT,%1$tL %4$s [%3$s] %5$s%6$s%n' \
  -cp "$TMP" CalendarSync 2>"$OUT_DIR/java.log"
echo "java.log: $(wc -l <"$OUT_DIR/java.log") lines ($(java -version 2>&1 | head -1))"
rm -rf "$TMP"
