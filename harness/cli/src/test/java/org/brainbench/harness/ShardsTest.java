package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brainbench.harness.run.Shards;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.SuiteReader;
import org.junit.jupiter.api.Test;

/** {@code --shard I/N}: every cell in exactly one shard, stage users together, the same on every machine. */
class ShardsTest {
  @Test
  void shardsPartitionTheCellsAndKeepStageUsersTogether() {
    Suite suite = SuiteReader.read(Path.of("../../suites/transfer.yaml"));
    List<Cell> cells = CellMatrix.expand(suite, new ArrayList<>());
    for (int n : new int[] {1, 2, 3, 7}) {
      Set<String> seen = new HashSet<>();
      int smallest = Integer.MAX_VALUE;
      int largest = 0;
      for (int i = 1; i <= n; i++) {
        List<Cell> shard = Shards.select(suite, cells, new Shards.Shard(i, n));
        assertThat(shard).isEqualTo(Shards.select(suite, cells, new Shards.Shard(i, n)));
        smallest = Math.min(smallest, shard.size());
        largest = Math.max(largest, shard.size());
        for (Cell c : shard) {
          assertThat(seen.add(c.id())).as(c.id()).isTrue();
        }
        // every (stage, seed) whose cells are here has all of them here
        for (Cell c : cells) {
          if (c.model().initStage() != null && shard.stream().anyMatch(o -> c.model().initStage().equals(o.model().initStage()) && o.seed() == c.seed())) {
            assertThat(shard).as("n=%d shard %d holds %s", n, i, c.id()).contains(c);
          }
        }
      }
      assertThat(seen).hasSize(cells.size());
      assertThat(largest - smallest).as("balance for n=" + n).isLessThanOrEqualTo(16);
    }
  }

  /**
   * A stage with a fixed seed serves every seed's cells, and a first-seed search serves every seed
   * of its task, model and fraction: two shards must not both run them.
   */
  @Test
  void sharedStagesAndSearchesRunOnOneShard() {
    Suite suite = SuiteReader.read(Path.of("../../suites/transfer-jun2021.yaml"));
    List<Cell> cells = CellMatrix.expand(suite, new ArrayList<>());
    Map<String, Integer> stageShard = new HashMap<>();
    Map<String, Integer> searchShard = new HashMap<>();
    int total = 0;
    for (int i = 1; i <= 2; i++) {
      List<Cell> shard = Shards.select(suite, cells, new Shards.Shard(i, 2));
      total += shard.size();
      for (Cell c : shard) {
        if (c.model().initStage() != null) {
          assertThat(stageShard.putIfAbsent(c.model().initStage(), i)).as(c.id()).isIn(null, i);
        }
        String search = c.task().name() + "/" + c.model().name() + "/p" + Cell.fraction(c.labelFraction());
        assertThat(searchShard.putIfAbsent(search, i)).as(c.id()).isIn(null, i);
      }
    }
    assertThat(total).isEqualTo(cells.size());
    assertThat(stageShard.values()).contains(1, 2); // the stage users are spread, not all on one shard
  }

  /** --only picks out of a shard; it does not move cells between shards (a split-up resume relies on it). */
  @Test
  void onlyNarrowsAShardWithoutReshuffling() {
    Suite suite = SuiteReader.read(Path.of("../../suites/transfer-jun2021.yaml"));
    List<Cell> cells = CellMatrix.expand(suite, new ArrayList<>());
    String glob = "brain-age/mt-*-3200/**";
    List<Cell> chosen = CellMatrix.only(cells, glob);
    assertThat(chosen).hasSize(40);
    int total = 0;
    for (int i = 1; i <= 2; i++) {
      Shards.Shard shard = new Shards.Shard(i, 2);
      List<Cell> narrowed = Shards.select(suite, cells, chosen, shard);
      assertThat(narrowed).isEqualTo(CellMatrix.only(Shards.select(suite, cells, shard), glob));
      total += narrowed.size();
    }
    assertThat(total).isEqualTo(40);
  }

  @Test
  void badShardsAreRejected() {
    assertThatThrownBy(() -> Shards.Shard.parse("0/4")).hasMessageContaining("1 <= I <= N");
    assertThatThrownBy(() -> Shards.Shard.parse("5/4")).hasMessageContaining("1 <= I <= N");
    assertThatThrownBy(() -> Shards.Shard.parse("two")).hasMessageContaining("I/N");
    assertThat(Shards.Shard.parse("2/4")).isEqualTo(new Shards.Shard(2, 4));
  }
}
