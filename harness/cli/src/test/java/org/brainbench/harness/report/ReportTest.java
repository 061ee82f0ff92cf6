package org.brainbench.harness.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.brainbench.harness.BrokenSuitesTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}: aggregation over seeds, failed cells, paired significance, escaping. */
class ReportTest {
  @TempDir Path dir;

  private static String[] report(String... args) {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli(args);
    return new String[] {String.valueOf(r.exit()), r.out(), r.err()};
  }

  private static Entry entry(Leaderboard board, String model) {
    return board.entries().stream().filter(e -> e.model().equals(model)).findFirst().orElseThrow();
  }

  @Test
  void aSkilledModelBeatsACoinSignificantlyAndItsTwinIsTied() throws Exception {
    ResultsFixture f = new ResultsFixture(dir);
    for (int seed = 1; seed <= 3; seed++) {
      f.classify("ad", "skilled", seed, 0.8, 100 + seed, 60);
      f.classify("ad", "twin", seed, 0.8, 100 + seed, 60);
      f.classify("ad", "coin", seed, 0.0, 200 + seed, 60);
    }
    Leaderboard board = Leaderboard.build(Runs.read(List.of(dir)), 500);
    Entry best = board.entries().get(0);
    assertThat(best.best()).isTrue();
    assertThat(best.model()).isIn("skilled", "twin");
    Entry coin = entry(board, "coin");
    assertThat(coin.vsBest().significant()).isTrue();
    assertThat(coin.vsBest().difference()).isLessThan(-0.3);
    assertThat(coin.vsBest().pairs()).isEqualTo(3);
    assertThat(coin.leading()).isFalse();
    Entry other = board.entries().get(1);
    assertThat(other.model()).isIn("skilled", "twin");
    assertThat(other.vsBest().difference()).isZero();
    assertThat(other.vsBest().significant()).isFalse();
    assertThat(other.leading()).isTrue();
    // the interval of the mean lies around the mean
    Stat auc = best.metrics().get("auc");
    assertThat(auc.n()).isEqualTo(3);
    assertThat(auc.low()).isLessThanOrEqualTo(auc.mean());
    assertThat(auc.high()).isGreaterThanOrEqualTo(auc.mean());
  }

  @Test
  void meanAndSdAreOverRunsAndLowerIsBetterForMae() throws Exception {
    ResultsFixture f = new ResultsFixture(dir);
    f.regress("age", "close", 1, 1.0);
    f.regress("age", "close", 2, 2.0);
    f.regress("age", "close", 3, 3.0);
    f.regress("age", "far", 1, 9.0);
    f.regress("age", "far", 2, 9.0);
    f.regress("age", "far", 3, 9.0);
    Leaderboard board = Leaderboard.build(Runs.read(List.of(dir)), 200);
    Entry close = entry(board, "close");
    assertThat(close.best()).isTrue();
    assertThat(close.metrics().get("mae").mean()).isEqualTo(2.0);
    assertThat(close.metrics().get("mae").sd()).isEqualTo(1.0);
    assertThat(MarkdownLeaderboard.stat(close.metrics().get("mae"))).startsWith("2.000 ± 1.000 [");
    Comparison far = entry(board, "far").vsBest();
    assertThat(far.difference()).isEqualTo(7.0);
    assertThat(far.significant()).isTrue();
  }

  /** --against: every model against a named reference (a transfer experiment's from-scratch model), not only the best. */
  @Test
  void everyModelIsComparedWithTheNamedReference() throws Exception {
    ResultsFixture f = new ResultsFixture(dir);
    for (int seed = 1; seed <= 3; seed++) {
      f.regress("age", "pretrained", seed, 1.0);
      f.regress("age", "scratch", seed, 4.0);
      f.regress("age", "worse", seed, 9.0);
    }
    Leaderboard board = Leaderboard.build(Runs.read(List.of(dir)), 200, "scratch");
    assertThat(board.reference()).isEqualTo("scratch");
    Comparison worse = entry(board, "worse").vsReference();
    assertThat(worse.difference()).isEqualTo(5.0);
    assertThat(worse.pairs()).isEqualTo(3);
    assertThat(worse.significant()).isTrue();
    // the best is compared with the reference too; the reference with nothing
    assertThat(entry(board, "pretrained").vsReference().difference()).isEqualTo(-3.0);
    assertThat(entry(board, "scratch").vsReference()).isNull();
    assertThat(entry(board, "worse").vsBest().difference()).isEqualTo(8.0);

    String[] r = report("report", dir.toString(), "--against", "scratch");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    List<String> table = r[1].lines().filter(l -> l.startsWith("|")).toList();
    assertThat(table.get(0)).contains("| Δ mae vs best | Δ mae vs scratch |");
    assertThat(table).allSatisfy(l -> assertThat(separators(l)).isEqualTo(separators(table.get(0))));
    assertThat(table).anySatisfy(l -> assertThat(l).contains("| scratch |").contains("| reference |"));
    assertThat(table).anySatisfy(l -> assertThat(l).contains("| worse |").contains("| +5.000 ["));
    Path html = dir.resolve("board.html");
    assertThat(report("report", dir.toString(), "--against", "scratch", "--html", html.toString())[0]).isEqualTo("0");
    assertThat(Files.readString(html)).contains("<th>Δ mae vs scratch</th>").contains(">reference</td>");

    String[] unknown = report("report", dir.toString(), "--against", "nobody");
    assertThat(unknown[0]).isEqualTo("2");
    assertThat(unknown[2]).contains("--against").contains(dir.toString()).contains("\"nobody\"").contains("scratch").doesNotContain("\tat ");
  }

  @Test
  void failedCellsAreShownNotDropped() throws Exception {
    ResultsFixture f = new ResultsFixture(dir);
    f.regress("age", "fine", 1, 1.0);
    f.regress("age", "flaky", 1, 2.0);
    f.failed("age", "regress", "flaky", 2, "loss became NaN at epoch 3");
    f.failed("age", "regress", "broken", 1, "out of memory");
    String[] r = report("report", dir.toString());
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("| 1/2 ok, 1 failed |").contains("failed: age/broken/djl/s1/f0/p1: out of memory").contains("| 0/1 ok, 1 failed |");
  }

  @Test
  void hostileNamesCannotBreakTheTable() throws Exception {
    ResultsFixture f = new ResultsFixture(dir);
    String evil = "a|b*<img src=x onerror=alert(1)>_`x`\nnext";
    f.regress("age", evil, 1, 1.0);
    f.regress("age", "plain", 1, 2.0);
    String md = MarkdownLeaderboard.render(Leaderboard.build(Runs.read(List.of(dir)), 200), "t <b>");
    assertThat(md).doesNotContain("<img").doesNotContain("<b>").contains("a\\|b\\*&lt;img src=x onerror=alert\\(1\\)&gt;\\_\\`x\\` next");
    // every table line has the header's number of unescaped cell separators
    List<String> table = md.lines().filter(l -> l.startsWith("|")).toList();
    long columns = separators(table.get(0));
    assertThat(table).allSatisfy(l -> assertThat(separators(l)).isEqualTo(columns));
  }

  @Test
  void theReportIsReproducibleAndWrittenAtomically() throws Exception {
    ResultsFixture f = new ResultsFixture(dir.resolve("r"));
    for (int seed = 1; seed <= 2; seed++) {
      f.classify("ad", "m1", seed, 0.5, seed, 40);
      f.classify("ad", "m2", seed, 0.3, 50 + seed, 40);
    }
    Path md = dir.resolve("board.md");
    assertThat(report("report", dir.resolve("r").toString(), "--markdown", md.toString())[0]).isEqualTo("0");
    String first = Files.readString(md);
    assertThat(report("report", dir.resolve("r").toString(), "--markdown", md.toString())[0]).isEqualTo("0");
    assertThat(Files.readString(md)).isEqualTo(first);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("r", "board.md");
    }
  }

  @Test
  void missingResultsAreAUsageError() {
    String[] r = report("report", dir.resolve("nowhere").toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("nowhere").contains("no results.jsonl").doesNotContain("\tat ");
  }

  @Test
  void withoutPredictionsNothingIsMarkedAsTiedAndTheUserIsWarned() throws Exception {
    ResultsFixture f = new ResultsFixture(dir);
    f.regress("age", "a", 1, 1.0);
    f.regress("age", "b", 1, 2.0);
    try (var files = Files.walk(dir.resolve("predictions"))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Leaderboard board = Leaderboard.build(Runs.read(List.of(dir)), 200);
    assertThat(entry(board, "a").leading()).isTrue();
    assertThat(entry(board, "b").leading()).isFalse();
    assertThat(entry(board, "b").vsBest().pairs()).isZero();
    String[] r = report("report", dir.toString());
    assertThat(r[2]).contains("2 ok run(s) have no per-case predictions");
  }

  @Test
  void theSameResultsGivenTwiceAreRejected() throws Exception {
    ResultsFixture f = new ResultsFixture(dir.resolve("r"));
    f.regress("age", "a", 1, 1.0);
    String[] r = report("report", dir.resolve("r").toString(), dir.resolve("r/results.jsonl").toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("cell age/a/djl/s1/f0/p1 of suite fixture is in both");
  }

  private static long separators(String line) {
    long n = 0;
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '|' && (i == 0 || line.charAt(i - 1) != '\\')) {
        n++;
      }
    }
    return n;
  }
}
