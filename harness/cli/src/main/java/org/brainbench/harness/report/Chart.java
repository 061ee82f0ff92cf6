package org.brainbench.harness.report;

import java.util.List;

/**
 * A line or scatter chart, independent of how it is drawn: {@link SvgCharts} draws it inline in
 * the HTML page, {@link PngCharts} as a PNG for READMEs. {@code id} names the PNG file.
 */
public record Chart(String id, String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
  /** @param connect draw lines between the points (in x order) as well as the points */
  public record Series(String name, List<Point> points, boolean connect) {}

  /** @param label shown on hover */
  public record Point(double x, double y, String label) {}

  public boolean isEmpty() {
    return series.stream().allMatch(s -> s.points().isEmpty());
  }
}
