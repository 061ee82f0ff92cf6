package org.brainbench.harness.compare;

import java.util.List;
import java.util.Locale;

/** The comparison as an aligned plain-text table (it reads the same in a terminal and a CI log). */
public final class DiffTable {
  private DiffTable() {}

  /** @param all also list the metrics that stayed within tolerance */
  public static String render(List<Finding> findings, boolean all) {
    List<Finding> shown = findings.stream().filter(f -> all || f.verdict() != Finding.Verdict.SAME).toList();
    String[] header = {"verdict", "cell", "metric", "baseline", "now", "change", "tolerance", "note"};
    String[][] rows = new String[shown.size()][];
    for (int i = 0; i < shown.size(); i++) {
      Finding f = shown.get(i);
      rows[i] = new String[] {f.verdict().name().toLowerCase(Locale.ROOT), f.cell(), f.metric(), number(f.baseline()), number(f.current()),
          Double.isNaN(f.baseline()) || Double.isNaN(f.current()) ? "" : signed(f.current() - f.baseline()),
          f.tolerance() == null ? "" : "±" + f.tolerance(), f.detail()};
    }
    int[] width = new int[header.length];
    for (int c = 0; c < header.length; c++) {
      width[c] = header[c].length();
      for (String[] r : rows) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    line(b, header, width);
    for (String[] r : rows) {
      line(b, r, width);
    }
    long regressed = findings.stream().filter(Finding::regressed).count();
    long improved = findings.stream().filter(f -> f.verdict() == Finding.Verdict.IMPROVED).count();
    long same = findings.stream().filter(f -> f.verdict() == Finding.Verdict.SAME).count();
    long added = findings.stream().filter(f -> f.verdict() == Finding.Verdict.NEW).count();
    b.append(String.format(Locale.ROOT, "%n%d regressed, %d improved, %d within tolerance, %d new%n", regressed, improved, same, added));
    return b.toString();
  }

  private static void line(StringBuilder b, String[] cells, int[] width) {
    for (int c = 0; c < cells.length; c++) {
      String v = cells[c].replace('\n', ' ');
      b.append(v).append(c == cells.length - 1 ? "" : " ".repeat(width[c] - v.length() + 2));
    }
    b.append('\n');
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : v == Math.rint(v) && Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String signed(double v) {
    return (v >= 0 ? "+" : "") + number(v);
  }
}
