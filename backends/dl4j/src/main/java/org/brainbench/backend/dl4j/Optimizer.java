package org.brainbench.backend.dl4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.training.OptimizerKind;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * PyTorch's AdamW (decoupled weight decay, betas 0.9/0.999, eps 1e-8, bias correction), Adam (the
 * same with L2 weight decay added to the gradient) and SGD with momentum and L2 weight decay, applied in place to named ND4J arrays. Written here rather
 * than taken from ND4J's updaters so the learning rate can be set per step, frozen parameters are
 * skipped by name, and the state can be saved by parameter name for resuming.
 */
final class Optimizer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;
  private static final String PREFIX = "optimizer/";

  private final TrainingConfig config;
  private final Map<String, INDArray> first = new HashMap<>();
  private final Map<String, INDArray> second = new HashMap<>();
  private final Map<String, Long> steps = new HashMap<>();

  Optimizer(TrainingConfig config) {
    this.config = config;
  }

  /** One update of {@code weight} (in place) with its gradient at learning rate {@code lr}. */
  void update(String name, INDArray weight, INDArray gradient, double lr) {
    long t = steps.merge(name, 1L, Long::sum);
    double wd = config.weightDecay();
    if (config.optimizer() == OptimizerKind.SGD) {
      INDArray d = wd > 0 ? gradient.add(weight.mul(wd)) : gradient;
      INDArray buf = first.get(name);
      if (buf == null) {
        buf = d.dup();
        first.put(name, buf);
      } else {
        buf.muli(config.momentum()).addi(d);
      }
      weight.subi(buf.mul(lr));
      return;
    }
    INDArray m = first.computeIfAbsent(name, k -> Nd4j.zerosLike(weight));
    INDArray v = second.computeIfAbsent(name, k -> Nd4j.zerosLike(weight));
    if (wd > 0 && config.optimizer() == OptimizerKind.ADAM) {
      gradient = gradient.add(weight.mul(wd)); // L2: the decay goes through the moments
    } else if (wd > 0) {
      weight.muli(1 - lr * wd);
    }
    m.muli(BETA1).addi(gradient.mul(1 - BETA1));
    v.muli(BETA2).addi(gradient.mul(gradient).muli(1 - BETA2));
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = Math.sqrt(1 - Math.pow(BETA2, t));
    INDArray denom = Transforms.sqrt(v, true).divi(c2).addi(EPS);
    weight.subi(m.div(denom).muli(lr / c1));
  }

  /** Moments and step counts by parameter name. */
  List<Tensor> export() {
    List<Tensor> out = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(steps.keySet())) {
      out.add(new Tensor(PREFIX + name + "/step", new long[] {1}, new float[] {steps.get(name)}));
      if (first.containsKey(name)) {
        out.add(tensor(PREFIX + name + "/first", first.get(name)));
      }
      if (second.containsKey(name)) {
        out.add(tensor(PREFIX + name + "/second", second.get(name)));
      }
    }
    return out;
  }

  /** Restores {@link #export}'s tensors (replacing any state). */
  /** The parameter a state tensor belongs to ({@code optimizer/<parameter>/first} and so on). */
  static String parameterOf(String stateName) {
    if (!stateName.startsWith(PREFIX) || stateName.lastIndexOf('/') <= PREFIX.length()) {
      throw new IllegalArgumentException("not a DL4J optimiser state tensor: " + stateName);
    }
    String rest = stateName.substring(PREFIX.length());
    return rest.substring(0, rest.lastIndexOf('/'));
  }

  void restore(List<Tensor> state) {
    first.clear();
    second.clear();
    steps.clear();
    for (Tensor t : state) {
      if (!t.name().startsWith(PREFIX)) {
        throw new IllegalArgumentException("not a DL4J optimiser state tensor: " + t.name());
      }
      String rest = t.name().substring(PREFIX.length());
      int slash = rest.lastIndexOf('/');
      String name = rest.substring(0, slash);
      switch (rest.substring(slash + 1)) {
        case "step" -> steps.put(name, (long) t.data()[0]);
        case "first" -> first.put(name, Nd4j.create(t.data(), t.shape(), 'c'));
        case "second" -> second.put(name, Nd4j.create(t.data(), t.shape(), 'c'));
        default -> throw new IllegalArgumentException("unknown optimiser state " + t.name());
      }
    }
  }

  void close() {
    first.values().forEach(INDArray::close);
    second.values().forEach(INDArray::close);
    first.clear();
    second.clear();
  }

  static Tensor tensor(String name, INDArray a) {
    return new Tensor(name, a.shape(), a.dup('c').data().asFloat());
  }
}
