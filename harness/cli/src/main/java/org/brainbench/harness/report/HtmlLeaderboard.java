package org.brainbench.harness.report;

import org.brainbench.harness.result.ResultRows;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The leaderboard as one self-contained HTML page: styles, script and charts inline (no network),
 * a sortable table per task with each line's provenance in a details cell, a backend side-by-side
 * table where results come from more than one backend, and the charts of {@link Charts}. Every
 * string from results is escaped. The script marks {@code <body data-ready="ok">} when it ran.
 */
public final class HtmlLeaderboard implements ReportFormat {

  @Override
  public String id() {
    return "html";
  }

  @Override
  public java.util.List<java.nio.file.Path> write(Report report, java.nio.file.Path target) throws java.io.IOException {
    org.brainbench.tasks.io.AtomicFiles.writeString(target, render(report.board(), report.title()));
    return java.util.List.of(target);
  }

  private static final String STYLE = """
      body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
      table{border-collapse:collapse;margin:1em 0}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
      th{cursor:pointer;background:#f4f4f4;user-select:none}th.sorted-asc::after{content:" \\25B2"}th.sorted-desc::after{content:" \\25BC"}
      tr.leading td.model{font-weight:bold}td.num{text-align:right;font-variant-numeric:tabular-nums}td.failed{color:#b00}
      details{font-size:12px;color:#555}details pre{white-space:pre-wrap;max-width:520px}
      svg.chart{margin:0 1em 1em 0;border:1px solid #eee}svg .title{font-weight:bold;font-size:13px}svg .tick,svg .legend{font-size:11px}
      svg .axis{font-size:12px}svg .frame{fill:none;stroke:#999}svg .grid{stroke:#eee}
      .note{color:#555;font-size:13px}
      """;

  private static final String SCRIPT = """
      (function(){
        document.querySelectorAll('table.sortable').forEach(function(table){
          table.querySelectorAll('th').forEach(function(th, col){
            th.addEventListener('click', function(){
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              var asc = !th.classList.contains('sorted-asc');
              table.querySelectorAll('th').forEach(function(h){ h.classList.remove('sorted-asc','sorted-desc'); });
              th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
              function key(r){ var c = r.cells[col]; var s = c.getAttribute('data-sort'); return s !== null ? parseFloat(s) : c.textContent.trim().toLowerCase(); }
              rows.sort(function(a, b){
                var x = key(a), y = key(b);
                if (typeof x === 'number' && typeof y === 'number') { if (isNaN(x)) return 1; if (isNaN(y)) return -1; return asc ? x - y : y - x; }
                return asc ? String(x).localeCompare(String(y)) : String(y).localeCompare(String(x));
              });
              rows.forEach(function(r){ body.appendChild(r); });
            });
          });
        });
        document.body.setAttribute('data-ready', 'ok');
      })();
      """;

  private static final List<String> PROVENANCE = List.of("gitCommit", "harnessVersion", "backendVersion", "nativeVersion", "device", "threads", "java",
      "os", "cpu", "datasetHash", "splitHash", "configHash", "startedAt", "finishedAt");


  public static String render(Leaderboard board, String title) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">")
        .append("<title>").append(Html.escape(title)).append("</title><style>").append(STYLE).append("</style></head>\n<body>\n");
    b.append("<h1>").append(Html.escape(title)).append("</h1>\n");
    b.append("<p class=\"note\">Metrics: mean ± sd over runs (seeds, folds) with the 95% bootstrap interval of the mean over test cases. ")
        .append("Bold models are the best of their label fraction or not significantly different from it (paired bootstrap on the same test cases, 95%). ")
        .append("Click a column to sort; open <em>runs</em> for provenance.</p>\n");
    for (var t : board.byTask().entrySet()) {
      List<Entry> entries = t.getValue();
      String type = entries.get(0).taskType();
      b.append("<section class=\"task\" id=\"").append(Html.escape(PngCharts.safe(t.getKey()))).append("\">\n<h2>").append(Html.escape(t.getKey()))
          .append(" <small>(").append(Html.escape("pretrain".equals(type) ? "pre-training stage" : type)).append(")</small></h2>\n");
      table(b, board, entries, type);
      backends(b, board, entries, type);
      for (Chart c : Charts.forTask(board, t.getKey())) {
        b.append(SvgCharts.render(c)).append('\n');
      }
      b.append("</section>\n");
    }
    b.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
    return b.toString();
  }

  private static void table(StringBuilder b, Leaderboard board, List<Entry> entries, String type) {
    List<String> shown = MetricRegistry.shown(TaskType.fromId(type));
    String primary = MetricRegistry.primary(TaskType.fromId(type)).name();
    b.append("<table class=\"sortable board\"><thead><tr><th>labels</th><th>model</th><th>backend</th><th>runs</th>");
    for (String m : shown) {
      b.append("<th>").append(Html.escape(m)).append(MetricRegistry.higherIsBetter(m) ? " ↑" : " ↓").append("</th>");
    }
    b.append("<th>Δ ").append(Html.escape(primary)).append(" vs best</th>");
    if (board.reference() != null) {
      b.append("<th>Δ ").append(Html.escape(primary)).append(" vs ").append(Html.escape(board.reference())).append("</th>");
    }
    b.append("<th>trainable params</th><th>total params</th><th>train s/run</th><th>runs</th></tr></thead>\n<tbody>\n");
    for (Entry e : entries) {
      b.append("<tr class=\"entry").append(e.leading() ? " leading" : "").append("\">");
      num(b, e.labelFraction(), MarkdownLeaderboard.percent(e.labelFraction()));
      b.append("<td class=\"model\">").append(Html.escape(board.label(e))).append("</td><td>").append(Html.escape(e.backend())).append("</td>");
      num(b, e.ok(), e.ok() == e.runs() ? String.valueOf(e.runs()) : e.ok() + "/" + e.runs() + " ok");
      for (String m : shown) {
        Stat s = e.metrics().get(m);
        if (e.ok() == 0) {
          b.append("<td class=\"failed\" data-sort=\"NaN\">failed</td>");
        } else {
          num(b, s == null ? Double.NaN : s.mean(), MarkdownLeaderboard.stat(s));
        }
      }
      if (e.best()) {
        b.append("<td data-sort=\"0\">best</td>");
      } else {
        comparison(b, e.vsBest());
      }
      if (board.reference() != null) {
        if (e.model().equals(board.reference())) {
          b.append("<td data-sort=\"0\">reference</td>");
        } else {
          comparison(b, e.vsReference());
        }
      }
      num(b, e.trainableParams(), MarkdownLeaderboard.count(e.trainableParams()));
      num(b, e.totalParams(), MarkdownLeaderboard.count(e.totalParams()));
      num(b, e.trainSeconds(), Double.isNaN(e.trainSeconds()) ? "" : String.format(Locale.ROOT, "%.0f", e.trainSeconds()));
      b.append("<td><details><summary>").append(e.runs()).append(" run(s)</summary><pre>").append(Html.escape(provenance(e))).append("</pre></details></td>");
      b.append("</tr>\n");
    }
    b.append("</tbody></table>\n");
  }

  /** A paired difference with its interval and p-value, or an empty cell where there is none. */
  private static void comparison(StringBuilder b, Comparison c) {
    if (c != null && c.pairs() > 0 && !Double.isNaN(c.difference())) {
      String p = c.p() < 0.001 ? "p<0.001" : String.format(Locale.ROOT, "p=%.3f", c.p());
      num(b, c.difference(), String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]%s, %s", c.difference(), c.low(), c.high(), c.significant() ? "" : " n.s.", p));
    } else {
      b.append("<td data-sort=\"NaN\"></td>");
    }
  }

  private static void num(StringBuilder b, double sortKey, String text) {
    b.append("<td class=\"num\" data-sort=\"").append(Double.isNaN(sortKey) ? "NaN" : String.format(Locale.ROOT, "%s", sortKey)).append("\">")
        .append(Html.escape(text)).append("</td>");
  }

  private static String provenance(Entry e) {
    StringBuilder p = new StringBuilder();
    for (Run r : e.members()) {
      p.append(r.cell()).append(": ").append(r.ok() ? "ok" : "FAILED " + r.error()).append('\n');
      JsonNode prov = ResultRows.toJson(r.row()).path("provenance");
      for (String k : PROVENANCE) {
        JsonNode v = prov.path(k);
        if (!v.isMissingNode() && !v.isNull()) {
          String s = v.asText();
          p.append("  ").append(k).append(": ").append(k.endsWith("Hash") && s.length() > 12 ? s.substring(0, 12) : s).append('\n');
        }
      }
    }
    return p.toString();
  }

  /** Primary metric per model (rows) and backend (columns) at each label fraction, where several backends ran. */
  private static void backends(StringBuilder b, Leaderboard board, List<Entry> entries, String type) {
    Set<String> backends = new LinkedHashSet<>();
    entries.forEach(e -> backends.add(e.backend()));
    if (backends.size() < 2 || "pretrain".equals(type)) {
      return;
    }
    String primary = MetricRegistry.primary(TaskType.fromId(type)).name();
    b.append("<h3>Backends side by side (").append(Html.escape(primary)).append(")</h3>\n<table class=\"sortable backends\"><thead><tr><th>labels</th><th>model</th>");
    backends.forEach(k -> b.append("<th>").append(Html.escape(k)).append("</th>"));
    b.append("</tr></thead><tbody>\n");
    Map<String, Map<String, Entry>> rows = new LinkedHashMap<>();
    for (Entry e : entries) {
      rows.computeIfAbsent(e.labelFraction() + "\u0000" + e.suite() + "\u0000" + e.model(), k -> new LinkedHashMap<>()).put(e.backend(), e);
    }
    for (Map<String, Entry> row : rows.values()) {
      Entry any = row.values().iterator().next();
      b.append("<tr>");
      num(b, any.labelFraction(), MarkdownLeaderboard.percent(any.labelFraction()));
      b.append("<td>").append(Html.escape(board.label(any))).append("</td>");
      for (String k : backends) {
        Entry e = row.get(k);
        Stat s = e == null ? null : e.metrics().get(primary);
        num(b, s == null ? Double.NaN : s.mean(), s == null ? "" : MarkdownLeaderboard.stat(s));
      }
      b.append("</tr>\n");
    }
    b.append("</tbody></table>\n");
  }
}
