package org.brainbench.harness.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.harness.suite.Cell;

/**
 * {@code --shard I/N}: a deterministic partition of a suite's cells over N machines. Cells that
 * need the same pre-training stage run (stage, backend, seed) stay together, so each stage runs
 * once, on the shard that needs it. Groups go, largest first, to the shard with the fewest cells
 * so far (ties to the lowest index); every machine computes the same partition from the suite.
 */
public final class Shards {
  private Shards() {}

  /** A shard as the user writes it: 1-based index and count, e.g. 2/4. */
  public record Shard(int index, int count) {
    public Shard {
      if (count < 1 || index < 1 || index > count) {
        throw new IllegalArgumentException("expected I/N with 1 <= I <= N, got " + index + "/" + count);
      }
    }

    public static Shard parse(String text) {
      String[] parts = text.split("/", -1);
      if (parts.length != 2) {
        throw new IllegalArgumentException("expected I/N (e.g. 2/4), got \"" + text + "\"");
      }
      try {
        return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected I/N (e.g. 2/4), got \"" + text + "\"");
      }
    }

    @Override
    public String toString() {
      return index + "/" + count;
    }
  }

  /** The cells of one shard, in suite order. */
  public static List<Cell> select(List<Cell> cells, Shard shard) {
    Map<String, List<Cell>> groups = new LinkedHashMap<>();
    for (Cell c : cells) {
      String stage = c.model().initStage();
      String key = stage == null ? "cell:" + c.id() : "stage:" + stage + "/" + c.backend() + "/s" + c.seed();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    }
    List<List<Cell>> ordered = new ArrayList<>(groups.values());
    ordered.sort(Comparator.comparingInt((List<Cell> g) -> -g.size())); // stable: suite order among equal sizes
    int[] load = new int[shard.count()];
    List<Cell> mine = new ArrayList<>();
    for (List<Cell> g : ordered) {
      int target = 0;
      for (int s = 1; s < load.length; s++) {
        if (load[s] < load[target]) {
          target = s;
        }
      }
      load[target] += g.size();
      if (target == shard.index() - 1) {
        mine.addAll(g);
      }
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    mine.forEach(c -> ids.add(c.id()));
    return cells.stream().filter(c -> ids.contains(c.id())).toList();
  }
}
