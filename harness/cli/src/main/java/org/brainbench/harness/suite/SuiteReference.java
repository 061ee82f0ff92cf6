package org.brainbench.harness.suite;

import java.util.stream.Collectors;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ParamDef;
import org.brainbench.tasks.metric.MetricDefinition;
import org.brainbench.tasks.metric.MetricRegistry;

/**
 * The parts of the suite reference that the code defines, as Markdown: every model's parameters
 * (from the spec records' {@code @Param}s) and every metric (from the registry). docs/suites.md and
 * docs/metrics.md hold this text between generated-section markers; {@code describe --markdown}
 * prints it, and a test fails when the docs fall behind the code.
 */
public final class SuiteReference {
  private SuiteReference() {}

  public static String models() {
    StringBuilder b = new StringBuilder();
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      b.append("### `").append(e.id()).append('`');
      if (!e.protocol().isEmpty()) {
        b.append(", `protocol: ").append(e.protocol()).append('`').append(e.defaultProtocol() ? " (the default)" : "");
      }
      b.append("\n\n").append(e.description()).append(".\n\n");
      b.append("| parameter | type | default | allowed | meaning |\n|---|---|---|---|---|\n");
      for (ParamDef p : e.params()) {
        String allowed = !p.choices().isEmpty() ? p.choices().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "))
            : p.file() ? "a file (relative to the suite), or `\"\"` for none" : p.range().isEmpty() ? "" : p.range();
        b.append("| `").append(p.name()).append("` | ").append(type(p)).append(" | `").append(value(p.defaultValue())).append("` | ")
            .append(allowed).append(" | ").append(escape(p.description())).append(" |\n");
      }
      b.append('\n');
    }
    return b.toString();
  }

  public static String metrics() {
    StringBuilder b = new StringBuilder("| metric | task | better | suites may select | reported by default | leaderboard column | ranks by | definition |\n"
        + "|---|---|---|---|---|---|---|---|\n");
    for (MetricDefinition m : MetricRegistry.all()) {
      b.append("| `").append(m.name()).append("` | ").append(m.task().id()).append(" | ").append(m.higherIsBetter() ? "higher" : "lower")
          .append(" | ").append(yes(m.selectable())).append(" | ").append(yes(m.reported())).append(" | ").append(yes(m.shown())).append(" | ")
          .append(yes(m.primary())).append(" | ").append(escape(m.definition())).append(" |\n");
    }
    return b.toString();
  }

  private static String type(ParamDef p) {
    return switch (p.type()) {
      case INT -> "integer";
      case DOUBLE -> "number";
      case BOOLEAN -> "boolean";
      case STRING -> p.choices().isEmpty() ? "string" : "choice";
      case INT_LIST -> "list of integers";
      case DOUBLE_LIST -> "list of numbers";
      case STRING_LIST -> p.choices().isEmpty() ? "list of strings" : "list of choices";
    };
  }

  private static String value(Object v) {
    String s = v instanceof String str && str.isEmpty() ? "\"\"" : String.valueOf(v);
    return s;
  }

  private static String yes(boolean b) {
    return b ? "yes" : "";
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }
}
