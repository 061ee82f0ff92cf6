package org.brainbench.backend.djl;

import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import java.util.Set;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.BackendInfo;
import org.brainbench.api.backend.Model;
import org.brainbench.api.backend.SpecBuilders;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;

/**
 * The DJL backend: DJL's PyTorch engine on the CPU, offline. The thread count is pinned before the
 * engine starts ({@code ai.djl.pytorch.num_threads}, default: all cores) and reported, so results
 * say what they ran with.
 */
public final class DjlBackend implements Backend {
  public static final String ID = "djl";
  private static final String THREADS = "ai.djl.pytorch.num_threads";
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final SpecBuilders<DjlModelBuilder<?>> BUILDERS = SpecBuilders.load((Class) DjlModelBuilder.class, ID);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public BackendInfo info() {
    Engine engine = engine();
    // a padded run computes the same function by another route: results say which route they took
    String convolutions = ConvolutionProbe.ensure() == ConvolutionProbe.Verdict.PADDED ? " (convolution channels padded to oneDNN's blocks)" : "";
    return new BackendInfo(ID, "DJL (PyTorch engine)", Engine.getDjlVersion(), "PyTorch " + engine.getVersion() + convolutions,
        engine.defaultDevice().getDeviceType(), threads());
  }

  @Override
  public Set<String> supportedModels() {
    return BUILDERS.modelIds();
  }

  @Override
  public Model newModel(ModelSpec spec, TaskHead head, TrainingConfig training, long seed) {
    String problem = spec.incompatibility(head);
    if (problem != null) {
      throw new IllegalArgumentException(spec.id() + ": " + problem);
    }
    Engine engine = engine();
    engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
    NamedParameters names = new NamedParameters();
    Block block = BUILDERS.forSpec(spec).buildAny(spec, head, names);
    return new DjlModel(spec, head, training, block, names);
  }

  static synchronized Engine engine() {
    if (!"true".equals(System.getProperty("ai.djl.offline"))) {
      // never let DJL probe the network (docs/stack.md): brainbench runs offline or not at all
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty(THREADS) == null) {
      System.setProperty(THREADS, String.valueOf(Runtime.getRuntime().availableProcessors()));
    }
    // the engine starts single-threaded (OpenMP pool of one); models raise it to their own count
    // for their steps. Measured: Transformer training was not reproducible run to run whenever the
    // process had used more than one intra-op thread, CNN training was.
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    String configured = System.getProperty(THREADS);
    System.setProperty(THREADS, "1");
    try {
      Engine engine = Engine.getEngine("PyTorch");
      ConvolutionProbe.ensure(); // before any model: some CPUs need every convolution padded (Convolutions)
      return engine;
    } finally {
      System.setProperty(THREADS, configured);
    }
  }

  /** Intra-op threads PyTorch was started with. */
  static int threads() {
    return Integer.getInteger(THREADS, Runtime.getRuntime().availableProcessors());
  }
}
