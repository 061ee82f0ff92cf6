package org.brainbench.harness.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The label-fraction chart carries each mean's 95% interval and draws it as a band. */
class ChartsTest {
  @TempDir Path dir;

  private Chart fractionsChart() throws Exception {
    ResultsFixture f = new ResultsFixture(dir.resolve("r"));
    for (int seed = 1; seed <= 3; seed++) {
      f.regress("age", "m", seed, 4.0 + seed, 0.5);
      f.regress("age", "m", seed, 2.0 + seed, 1.0);
    }
    Leaderboard board = Leaderboard.build(Runs.read(List.of(dir.resolve("r"))), 200);
    return Charts.forTask(board, "age").stream().filter(c -> c.id().equals("age-fractions")).findFirst().orElseThrow();
  }

  @Test
  void fractionPointsCarryTheirIntervalsAndAreDrawnAsBands() throws Exception {
    Chart chart = fractionsChart();
    Chart.Series s = chart.series().get(0);
    assertThat(s.points()).hasSize(2);
    for (Chart.Point p : s.points()) {
      assertThat(p.hasInterval()).isTrue();
      assertThat(p.low()).isLessThanOrEqualTo(p.y());
      assertThat(p.high()).isGreaterThanOrEqualTo(p.y());
    }
    assertThat(s.hasBand()).isTrue();
    String svg = SvgCharts.render(chart);
    assertThat(svg).contains("<polygon class=\"band\"");
    List<Path> png = PngCharts.write(List.of(chart), dir.resolve("plots"));
    assertThat(Files.size(png.get(0))).isGreaterThan(1000);
  }

  @Test
  void seriesWithoutIntervalsGetNoBand() {
    Chart.Series plain = new Chart.Series("m", List.of(new Chart.Point(10, 1, "a"), new Chart.Point(100, 2, "b")), true);
    Chart chart = new Chart("c", "t", "x", "y", false, List.of(plain));
    assertThat(plain.hasBand()).isFalse();
    assertThat(SvgCharts.render(chart)).doesNotContain("<polygon");
  }
}
