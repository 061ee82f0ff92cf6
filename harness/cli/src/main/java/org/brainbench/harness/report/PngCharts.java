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
      chart.getStyler().setSeriesColors(colors());
      for (Chart.Series s : c.series()) {
        if (s.points().isEmpty()) {
          continue;
        }
        double[] x = s.points().stream().mapToDouble(Chart.Point::x).toArray();
        double[] y = s.points().stream().mapToDouble(Chart.Point::y).toArray();
        XYSeries series = chart.addSeries(unique(chart, s.name()), x, y);
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
