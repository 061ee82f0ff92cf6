package org.brainbench.harness.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One way to publish a {@link Report} (as JMH's result formats are): Markdown, HTML, PNG charts,
 * or the rows themselves as JSON lines. Writes atomically; returns the files written.
 */
public interface ReportFormat {
  /** The name {@code report} knows the format by (its option: {@code --markdown}, {@code --html}, ...). */
  String id();

  /**
   * @param target a file, or a folder for formats that write several files ({@link #writesFolder})
   */
  List<Path> write(Report report, Path target) throws IOException;

  /** Whether {@code target} is a folder. */
  default boolean writesFolder() {
    return false;
  }

  /** Every format, in the order {@code report} writes them. */
  static List<ReportFormat> all() {
    return List.of(new MarkdownLeaderboard(), new HtmlLeaderboard(), new PngCharts(), new JsonLinesReport());
  }
}
