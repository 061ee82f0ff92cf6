package org.brainbench.harness.report;

import java.util.List;

/** What a report shows: the leaderboard built from the runs, under a title. */
public record Report(String title, Leaderboard board, List<Run> runs) {
  public Report {
    runs = List.copyOf(runs);
  }
}
