package org.brainbench.backend.djl;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DJL parameters under brainbench's neutral names (PyTorch/timm/torchvision style: {@code
 * blocks.0.conv.weight}, {@code blocks.0.attn.qkv.weight}, {@code encoder.layer1.0.bn1.running_mean}),
 * recorded while the blocks are built, so weights can be exchanged with other backends and with
 * PyTorch checkpoints, and each parameter gets the initialisation of its kind. Batch-norm running
 * statistics are buffers: exported and imported, never counted as parameters.
 */
public final class NamedParameters {
  /** How a weight is initialised. */
  enum Init {
    /** He normal (fan in): convolutions and linear layers of CNNs. */
    HE,
    /** Truncated normal, sd 0.02 (timm): Transformer linear layers, tokens, position embeddings. */
    TRUNC_NORMAL,
    /** PyTorch's default for a convolution or linear layer: weight and bias uniform within 1/sqrt(fan in). */
    TORCH_DEFAULT
  }

  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final Map<String, Parameter> buffers = new LinkedHashMap<>();
  private final Map<Parameter, Init> inits = new IdentityHashMap<>();
  /** A bias initialised from its weight's fan in (TORCH_DEFAULT), and that weight. */
  private final Map<Parameter, Parameter> fanInOf = new IdentityHashMap<>();

  void add(String name, Parameter p) {
    if (p == null) {
      throw new IllegalStateException("no parameter for " + name);
    }
    if (parameters.containsKey(name) || buffers.containsKey(name)) {
      throw new IllegalStateException("duplicate parameter name " + name);
    }
    parameters.put(name, p);
  }

  void addBuffer(String name, Parameter p) {
    buffers.put(name, p);
  }

  /** Registers a convolution or linear block's {@code weight} and (if present) {@code bias}, He-initialised. */
  void addWeights(String prefix, Block block) {
    addWeights(prefix, block, Init.HE);
  }

  void addWeights(String prefix, Block block, Init init) {
    Parameter w = block.getDirectParameters().get("weight");
    add(prefix + ".weight", w);
    inits.put(w, init);
    if (block.getDirectParameters().contains("bias")) {
      Parameter b = block.getDirectParameters().get("bias");
      add(prefix + ".bias", b);
      if (init == Init.TORCH_DEFAULT) {
        inits.put(b, init);
        fanInOf.put(b, w);
      }
    }
  }

  /** A learned tensor such as a token or position embedding (truncated normal, sd 0.02). */
  void addTensor(String name, ParamBlock block) {
    add(name, block.parameter());
    inits.put(block.parameter(), Init.TRUNC_NORMAL);
  }

  /** Registers a batch norm's scale and shift as parameters and its running statistics as buffers. */
  void addBatchNorm(String prefix, Block bn) {
    add(prefix + ".weight", bn.getDirectParameters().get("gamma"));
    add(prefix + ".bias", bn.getDirectParameters().get("beta"));
    addBuffer(prefix + ".running_mean", bn.getDirectParameters().get("runningMean"));
    addBuffer(prefix + ".running_var", bn.getDirectParameters().get("runningVar"));
  }

  void addLayerNorm(String prefix, Block ln) {
    add(prefix + ".weight", ln.getDirectParameters().get("gamma"));
    add(prefix + ".bias", ln.getDirectParameters().get("beta"));
  }

  /** Sets every recorded weight's initialiser (biases and norms keep DJL's zeros and ones). */
  void applyInitializers(Block root) {
    Initializer he = new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2);
    Initializer normal = new TruncatedNormalInitializer(0.02f);
    root.setInitializer(he, p -> inits.get(p) == Init.HE);
    root.setInitializer(normal, p -> inits.get(p) == Init.TRUNC_NORMAL);
    inits.forEach((p, init) -> {
      if (init == Init.TORCH_DEFAULT) {
        Parameter weight = fanInOf.getOrDefault(p, p);
        root.setInitializer(new TorchDefault(weight), q -> q == p);
      }
    });
  }

  /** Uniform within 1/sqrt(fan in), the fan in read from the weight's shape when it is initialised (PyTorch's kaiming-uniform with a = sqrt 5). */
  private record TorchDefault(Parameter weight) implements Initializer {
    @Override
    public ai.djl.ndarray.NDArray initialize(ai.djl.ndarray.NDManager manager, ai.djl.ndarray.types.Shape shape, ai.djl.ndarray.types.DataType dataType) {
      ai.djl.ndarray.types.Shape w = weight.getShape() != null ? weight.getShape() : shape;
      float bound = (float) (1 / Math.sqrt(w.size() / w.get(0)));
      return manager.randomUniform(-bound, bound, shape, dataType);
    }
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
