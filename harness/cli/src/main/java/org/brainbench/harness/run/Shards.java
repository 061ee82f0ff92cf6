package org.brainbench.harness.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.Stage;
import org.brainbench.harness.suite.Suite;

/**
 * {@code --shard I/N}: a deterministic partition of a suite's cells over N machines. Cells that
 * share work (a pre-training stage run, a first-seed tuning search) stay together, so that work
 * runs once, on the shard that needs it. Groups go, largest first, to the shard with the fewest cells
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

  /**
   * The cells of {@code chosen} (part of the matrix, such as {@code --only} leaves) that shard
   * {@code shard} of the whole {@code matrix} holds. A shard's cells do not depend on what a run
   * picks out of it, so a shard can be resumed, or split up with {@code --only}, without moving cells
   * to another shard.
   */
  public static List<Cell> select(Suite suite, List<Cell> matrix, List<Cell> chosen, Shard shard) {
    Set<String> inShard = new HashSet<>();
    select(suite, matrix, shard).forEach(c -> inShard.add(c.id()));
    return chosen.stream().filter(c -> inShard.contains(c.id())).toList();
  }

  /**
   * The cells of one shard, in suite order. Cells are grouped by every stage run they need (a stage
   * with a fixed seed serves the cells of all seeds, and a stage chain needs each of its links) and,
   * under {@code tune: {scope: first-seed}}, by the search they share, so no stage run or search is
   * computed on two shards.
   */
  public static List<Cell> select(Suite suite, List<Cell> cells, Shard shard) {
    int[] parent = new int[cells.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    Map<String, Integer> firstWithKey = new HashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      for (String key : sharedWork(suite, cells.get(i))) {
        Integer other = firstWithKey.putIfAbsent(key, i);
        if (other != null) {
          parent[root(parent, i)] = root(parent, other);
        }
      }
    }
    Map<Integer, List<Cell>> groups = new LinkedHashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      groups.computeIfAbsent(root(parent, i), k -> new ArrayList<>()).add(cells.get(i));
    }
    List<List<Cell>> ordered = new ArrayList<>(groups.values());
    ordered.sort(Comparator.comparingInt((List<Cell> g) -> -g.size())); // stable: suite order among equal sizes
    int[] load = new int[shard.count()];
    Set<String> mine = new HashSet<>();
    for (List<Cell> g : ordered) {
      int target = 0;
      for (int s = 1; s < load.length; s++) {
        if (load[s] < load[target]) {
          target = s;
        }
      }
      load[target] += g.size();
      if (target == shard.index() - 1) {
        g.forEach(c -> mine.add(c.id()));
      }
    }
    return cells.stream().filter(c -> mine.contains(c.id())).toList();
  }

  /** Keys of the work a cell shares with others: its stage runs and its tuning search. */
  private static List<String> sharedWork(Suite suite, Cell c) {
    List<String> keys = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String name = c.model().initStage(); name != null && seen.add(name); ) {
      Stage stage = suite.stage(name);
      if (stage == null) {
        break;
      }
      keys.add("stage:" + name + "/" + c.backend() + "/s" + stage.seedFor(c.seed()));
      name = stage.initStage();
    }
    if (suite.tune() != null) {
      keys.add("tune:" + Tuner.searchedOn(suite, c).id());
    }
    return keys;
  }

  private static int root(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
