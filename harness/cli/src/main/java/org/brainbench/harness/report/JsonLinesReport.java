package org.brainbench.harness.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.brainbench.harness.result.ResultRows;
import org.brainbench.tasks.io.AtomicFiles;

/** The report's rows as one {@code results.jsonl}-format file: every given folder's results in one place. */
public final class JsonLinesReport implements ReportFormat {
  @Override
  public String id() {
    return "jsonl";
  }

  @Override
  public List<Path> write(Report report, Path target) throws IOException {
    StringBuilder b = new StringBuilder();
    report.runs().forEach(r -> b.append(ResultRows.line(r.row())).append('\n'));
    AtomicFiles.writeString(target, b.toString());
    return List.of(target);
  }
}
