package org.brainbench.bench;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.parity.ParityCase;

/**
 * The (model, task) pairs the step benchmarks time: brainbench's own variants of the four models
 * in the quickstart (not the authors' releases beside them), with the hyperparameters of
 * {@code suites/quickstart.yaml}, on every task each supports, plus the two
 * pre-training stages, on a cubic input of a given side.
 */
final class BenchCases {
  private BenchCases() {}

  /** Prints the case names, one per line (for {@code bin/bench compare}). */
  public static void main(String[] args) {
    names(32).forEach(System.out::println);
  }

  /** Names are {@code model/task}, e.g. {@code cnn3d/segment}, {@code medical-transformer/pretrain}. */
  static ParityCase find(String name, int size) {
    for (ParityCase c : all(size)) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no benchmark case " + name + "; known: " + names(size));
  }

  static List<ParityCase> all(int size) {
    List<ParityCase> supervised = ParityCase.of(org.brainbench.harness.suite.QuickstartSuite.brainbenchVariants(), size);
    List<ParityCase> out = new ArrayList<>(supervised);
    TaskHead pretrain = TaskHead.pretrain(1, new int[] {size, size, size});
    for (ParityCase c : supervised) {
      ModelSpec spec = c.spec();
      String name = spec.id() + "/pretrain";
      if (spec.incompatibility(pretrain) == null && out.stream().noneMatch(o -> o.name().equals(name))) {
        out.add(new ParityCase(name, spec, pretrain));
      }
    }
    return out;
  }

  static List<String> names(int size) {
    return all(size).stream().map(ParityCase::name).toList();
  }
}
