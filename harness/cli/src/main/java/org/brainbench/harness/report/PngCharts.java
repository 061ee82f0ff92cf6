package org.brainbench.harness.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.tasks.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a {@link Chart} as a PNG with XChart, for READMEs and pull requests. */
public final class PngCharts implements ReportFormat {
  @Override
  public String id() {
    return "plots";
  }

  @Override
  public boolean writesFolder() {
    return true;
  }

  /** Every task's charts ({@link Charts#forTask}) into the folder. */
  @Override
  public List<Path> write(Report report, Path folder) throws IOException {
    List<Chart> charts = new ArrayList<>();
    report.board().entries().stream().map(Entry::task).distinct().forEach(t -> charts.addAll(Charts.forTask(report.board(), t)));
    return write(charts, folder);
  }

  /** Writes {@code <chart id>.png} into {@code folder} (atomically); returns the files. */
  public static List<Path> write(List<Chart> charts, Path folder) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Path> files = new ArrayList<>();
    for (Chart c : charts) {
      XYChart chart = new XYChartBuilder().width(720).height(420).title(c.title()).xAxisTitle(c.xLabel()).yAxisTitle(c.yLabel()).build();
      chart.getStyler().setXAxisLogarithmic(c.logX());
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
      chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
      java.awt.Color[] palette = colors();
      chart.getStyler().setSeriesColors(palette);
      List<Chart.Series> all = c.series();
      for (int i = 0; i < all.size(); i++) {
        Chart.Series s = all.get(i);
        if (s.points().isEmpty()) {
          continue;
        }
        if (s.hasBand()) {
          band(chart, s, palette[i % palette.length]);
        }
        double[] x = s.points().stream().mapToDouble(Chart.Point::x).toArray();
        double[] y = s.points().stream().mapToDouble(Chart.Point::y).toArray();
        XYSeries series = chart.addSeries(unique(chart, s.name()), x, y);
        series.setLineColor(palette[i % palette.length]);
        series.setMarkerColor(palette[i % palette.length]);
        series.setXYSeriesRenderStyle(s.connect() ? XYSeries.XYSeriesRenderStyle.Line : XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarker(SeriesMarkers.CIRCLE);
      }
      Path file = folder.resolve(safe(c.id()) + ".png");
      byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
      AtomicFiles.write(file, out -> out.write(png));
      files.add(file);
    }
    return files;
  }

  /** The series' 95% intervals as a translucent polygon (upper ends left to right, lower ends back), out of the legend. */
  private static void band(XYChart chart, Chart.Series s, java.awt.Color color) {
    List<Chart.Point> p = s.points();
    double[] x = new double[2 * p.size()];
    double[] y = new double[2 * p.size()];
    for (int k = 0; k < p.size(); k++) {
      Chart.Point up = p.get(k);
      Chart.Point down = p.get(p.size() - 1 - k);
      x[k] = up.x();
      y[k] = up.high();
      x[p.size() + k] = down.x();
      y[p.size() + k] = down.low();
    }
    XYSeries band = chart.addSeries(unique(chart, s.name() + " 95% CI"), x, y);
    band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
    band.setFillColor(new java.awt.Color(color.getRed(), color.getGreen(), color.getBlue(), 40));
    band.setLineColor(new java.awt.Color(0, 0, 0, 0));
    band.setMarker(SeriesMarkers.NONE);
    band.setShowInLegend(false);
  }

  private static java.awt.Color[] colors() {
    java.awt.Color[] c = new java.awt.Color[SvgCharts.PALETTE.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = java.awt.Color.decode(SvgCharts.PALETTE[i]);
    }
    return c;
  }

  /** XChart refuses two series of the same name. */
  private static String unique(XYChart chart, String name) {
    String n = name;
    for (int i = 2; chart.getSeriesMap().containsKey(n); i++) {
      n = name + " #" + i;
    }
    return n;
  }

  /** File names from task names: letters, digits, dot, dash, underscore only. */
  static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
