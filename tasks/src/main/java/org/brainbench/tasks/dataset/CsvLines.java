package org.brainbench.tasks.dataset;

/**
 * Physical line numbers (1-based) of CSV records in a text, for messages: a record's number is not
 * its line once blank lines were skipped or a quoted field spans lines. Ask in increasing order.
 */
final class CsvLines {
  private final String text;
  private int pos;
  private long line = 1;

  CsvLines(String text) {
    this.text = text;
  }

  /** The line on which the record starting at {@code charPosition} (of the parsed text) starts. */
  long lineOf(long charPosition) {
    int target = (int) Math.min(charPosition, text.length());
    // the parser's position is before the blank lines it skipped to reach the record
    while (target < text.length() && (text.charAt(target) == '\n' || text.charAt(target) == '\r')) {
      target++;
    }
    for (; pos < target; pos++) {
      if (text.charAt(pos) == '\n') {
        line++;
      }
    }
    return line;
  }
}
