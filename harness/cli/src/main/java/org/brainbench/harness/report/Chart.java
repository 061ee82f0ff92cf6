package org.brainbench.harness.report;

import java.util.List;

/**
 * A line or scatter chart, independent of how it is drawn: {@link SvgCharts} draws it inline in
 * the HTML page, {@link PngCharts} as a PNG for READMEs. {@code id} names the PNG file.
 */
public record Chart(String id, String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
  /** @param connect draw lines between the points (in x order) as well as the points */
  public record Series(String name, List<Point> points, boolean connect) {
    /** A band is drawn behind a connected line when every point has its interval. */
    public boolean hasBand() {
      return connect && points.size() > 1 && points.stream().allMatch(Point::hasInterval);
    }
  }

  /**
   * @param label shown on hover
   * @param low lower end of the point's 95% interval, NaN when it has none
   * @param high upper end of the interval, NaN when it has none
   */
  public record Point(double x, double y, String label, double low, double high) {
    public Point(double x, double y, String label) {
      this(x, y, label, Double.NaN, Double.NaN);
    }

    public boolean hasInterval() {
      return !Double.isNaN(low) && !Double.isNaN(high);
    }
  }

  public boolean isEmpty() {
    return series.stream().allMatch(s -> s.points().isEmpty());
  }
}
