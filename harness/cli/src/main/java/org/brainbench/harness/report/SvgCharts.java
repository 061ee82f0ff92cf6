package org.brainbench.harness.report;

import java.util.List;
import java.util.Locale;

/** Draws a {@link Chart} as inline SVG (the HTML report must work with no network and no script library). */
public final class SvgCharts {
  static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  private static final int W = 640;
  private static final int H = 360;
  private static final int LEFT = 64;
  private static final int RIGHT = 200;
  private static final int TOP = 30;
  private static final int BOTTOM = 48;

  private SvgCharts() {}

  public static String render(Chart c) {
    double[] xr = range(c, true);
    double[] yr = range(c, false);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">", W, H, W, H,
        Html.escape(c.title())));
    b.append("<text x=\"").append(LEFT).append("\" y=\"18\" class=\"title\">").append(Html.escape(c.title())).append("</text>");
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"frame\"/>", LEFT, TOP, plotW, plotH));
    for (double t : ticks(yr[0], yr[1])) {
      double y = sy(t, yr, plotH);
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>",
          LEFT, LEFT + plotW, y, y, LEFT - 4, y + 4, label(t)));
    }
    for (double t : c.logX() ? logTicks(xr) : ticks(xr[0], xr[1])) {
      double x = sx(t, xr, plotW, c.logX());
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"grid\"/><text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
          x, x, TOP, TOP + plotH, x, TOP + plotH + 16, c.logX() ? MarkdownLeaderboard.count(Math.round(t)) : label(t)));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>", LEFT + plotW / 2, H - 8, Html.escape(c.xLabel())));
    b.append(String.format(Locale.ROOT, "<text transform=\"translate(14,%d) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">%s</text>", TOP + plotH / 2,
        Html.escape(c.yLabel())));
    List<Chart.Series> series = c.series();
    for (int i = 0; i < series.size(); i++) {
      Chart.Series s = series.get(i);
      String color = PALETTE[i % PALETTE.length];
      b.append("<g class=\"series\"><title>").append(Html.escape(s.name())).append("</title>");
      if (s.hasBand()) {
        b.append("<polygon class=\"band\" fill=\"").append(color).append("\" fill-opacity=\"0.15\" stroke=\"none\" points=\"");
        for (Chart.Point p : s.points()) {
          b.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx(p.x(), xr, plotW, c.logX()), sy(p.high(), yr, plotH)));
        }
        for (int k = s.points().size() - 1; k >= 0; k--) {
          Chart.Point p = s.points().get(k);
          b.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx(p.x(), xr, plotW, c.logX()), sy(p.low(), yr, plotH)));
        }
        b.append("\"/>");
      }
      if (s.connect() && s.points().size() > 1) {
        b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.8\" points=\"");
        for (Chart.Point p : s.points()) {
          b.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx(p.x(), xr, plotW, c.logX()), sy(p.y(), yr, plotH)));
        }
        b.append("\"/>");
      }
      for (Chart.Point p : s.points()) {
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>%s</title></circle>", sx(p.x(), xr, plotW, c.logX()),
            sy(p.y(), yr, plotH), s.connect() ? "2.5" : "5", color, Html.escape(p.label())));
      }
      b.append("</g>");
      int ly = TOP + 8 + i * 16;
      b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>",
          LEFT + plotW + 10, ly, color, LEFT + plotW + 24, ly + 9, Html.escape(shorten(s.name()))));
    }
    b.append("</svg>");
    return b.toString();
  }

  private static String shorten(String s) {
    return s.length() > 28 ? s.substring(0, 27) + "…" : s;
  }

  private static double[] range(Chart c, boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Chart.Series s : c.series()) {
      for (Chart.Point p : s.points()) {
        double v = x ? p.x() : p.y();
        if (x && c.logX()) {
          v = Math.log10(Math.max(v, 1));
        }
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        if (!x && s.hasBand()) {
          lo = Math.min(lo, p.low());
          hi = Math.max(hi, p.high());
        }
      }
    }
    if (!(hi > lo)) {
      lo -= 0.5;
      hi += 0.5;
    }
    double pad = (hi - lo) * 0.06;
    return new double[] {lo - pad, hi + pad};
  }

  private static double sx(double v, double[] r, int w, boolean log) {
    double t = log ? Math.log10(Math.max(v, 1)) : v;
    return LEFT + (t - r[0]) / (r[1] - r[0]) * w;
  }

  private static double sy(double v, double[] r, int h) {
    return TOP + h - (v - r[0]) / (r[1] - r[0]) * h;
  }

  /** About five round ticks inside [lo, hi]. */
  static double[] ticks(double lo, double hi) {
    double raw = (hi - lo) / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag >= 5 ? 5 * mag : raw / mag >= 2 ? 2 * mag : mag;
    double first = Math.ceil(lo / step) * step;
    int n = (int) Math.floor((hi - first) / step) + 1;
    double[] t = new double[Math.max(0, n)];
    for (int i = 0; i < t.length; i++) {
      t[i] = first + i * step;
    }
    return t;
  }

  private static double[] logTicks(double[] r) {
    int lo = (int) Math.ceil(r[0]);
    int hi = (int) Math.floor(r[1]);
    if (hi < lo) {
      return new double[] {Math.pow(10, (r[0] + r[1]) / 2)};
    }
    double[] t = new double[hi - lo + 1];
    for (int i = 0; i < t.length; i++) {
      t[i] = Math.pow(10, lo + i);
    }
    return t;
  }

  private static String label(double v) {
    if (Math.abs(v) < 1e-12) {
      return "0";
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
