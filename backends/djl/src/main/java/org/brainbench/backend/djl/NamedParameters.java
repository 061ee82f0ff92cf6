package org.brainbench.backend.djl;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DJL parameters under brainbench's neutral names (PyTorch-style: {@code blocks.0.conv.weight},
 * {@code blocks.0.bn.running_mean}), recorded while the blocks are built, so weights can be
 * exchanged with other backends and with PyTorch checkpoints. Batch-norm running statistics are
 * buffers: exported and imported, never counted as parameters.
 */
final class NamedParameters {
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final Map<String, Parameter> buffers = new LinkedHashMap<>();

  void add(String name, Parameter p) {
    if (parameters.containsKey(name) || buffers.containsKey(name)) {
      throw new IllegalStateException("duplicate parameter name " + name);
    }
    parameters.put(name, p);
  }

  void addBuffer(String name, Parameter p) {
    buffers.put(name, p);
  }

  /** Registers a convolution or linear block's {@code weight} and (if present) {@code bias}. */
  void addWeights(String prefix, Block block) {
    add(prefix + ".weight", block.getDirectParameters().get("weight"));
    if (block.getDirectParameters().contains("bias")) {
      add(prefix + ".bias", block.getDirectParameters().get("bias"));
    }
  }

  /** Registers a batch norm's scale and shift as parameters and its running statistics as buffers. */
  void addBatchNorm(String prefix, Block bn) {
    add(prefix + ".weight", bn.getDirectParameters().get("gamma"));
    add(prefix + ".bias", bn.getDirectParameters().get("beta"));
    addBuffer(prefix + ".running_mean", bn.getDirectParameters().get("runningMean"));
    addBuffer(prefix + ".running_var", bn.getDirectParameters().get("runningVar"));
  }

  Map<String, Parameter> parameters() {
    return parameters;
  }

  /** Parameters, then buffers: everything a checkpoint holds. */
  Map<String, Parameter> all() {
    Map<String, Parameter> out = new LinkedHashMap<>(parameters);
    out.putAll(buffers);
    return out;
  }

  List<String> names() {
    return new ArrayList<>(parameters.keySet());
  }
}
