package org.brainbench.backend.dl4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.Set;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.BackendInfo;
import org.brainbench.api.backend.Model;
import org.brainbench.api.backend.NativeHeap;
import org.brainbench.api.backend.SpecBuilders;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Deeplearning4j backend: every model as a SameDiff graph on ND4J's CPU backend with oneDNN,
 * offline (the natives ship in the Maven artifacts).
 *
 * <p>Why SameDiff rather than DL4J's layer API (ComputationGraph): the models need rank-5 batch
 * norm and channel concatenation, which the layer API rejects or cannot back-propagate in
 * 1.0.0-M2.1 (docs/stack.md), plus masked-token pre-training, a momentum encoder and custom losses.
 * SameDiff expresses all of it directly, with variables under brainbench's neutral names, so one
 * graph per model mirrors the DJL blocks line for line.
 *
 * <p>Threads: {@code brainbench.dl4j.threads} (default: all cores) sets ND4J's OpenMP pool; models
 * with attention use one thread, as on DJL (see {@link ModelSpec#hasAttention}).
 */
public final class Dl4jBackend implements Backend {
  public static final String ID = "dl4j";
  private static final String THREADS = "brainbench.dl4j.threads";
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final SpecBuilders<Dl4jModelBuilder<?>> BUILDERS = SpecBuilders.load((Class) Dl4jModelBuilder.class, ID);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public BackendInfo info() {
    start();
    String version = version("org.nd4j", "nd4j-api");
    return new BackendInfo(ID, "Deeplearning4j (SameDiff, ND4J native)", version,
        "ND4J " + Nd4j.getBackend().getClass().getSimpleName() + " " + version, device(), threads());
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
    start();
    ModelGraph graph = BUILDERS.forSpec(spec).buildAny(spec, head);
    // what earlier models left for the collector (SameDiff's dropped arrays) would otherwise count
    // as this model's working set (see Dl4jModel#collectGarbageIfNeeded)
    System.gc();
    NativeHeap.trim();
    int threads = spec.hasAttention() ? 1 : threads();
    return new Dl4jModel(spec, head, training, graph, seed, threads);
  }

  /** Loads ND4J's natives once, with float32 as the default type. */
  static synchronized void start() {
    // SameDiff warns about op properties it cannot map (Upsampling3d's factors) on every graph it
    // differentiates; the ops work, the warnings are noise (slf4j-simple reads this per logger)
    System.setProperty("org.slf4j.simpleLogger.log.org.nd4j.autodiff.functions.DifferentialFunction", "error");
    // and about two TensorFlow import mappings it never uses here
    System.setProperty("org.slf4j.simpleLogger.log.org.nd4j.imports.converters.ImportClassMapping", "error");
    Nd4j.setDefaultDataTypes(org.nd4j.linalg.api.buffer.DataType.FLOAT, org.nd4j.linalg.api.buffer.DataType.FLOAT);
  }

  /** "gpu" when the CUDA natives are on the classpath (profile cuda), else "cpu". */
  static String device() {
    return Nd4j.getBackend().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT).contains("cu") ? "gpu" : "cpu";
  }

  static int threads() {
    return Integer.getInteger(THREADS, Runtime.getRuntime().availableProcessors());
  }

  /** A library's version from its Maven metadata in the jar. */
  static String version(String group, String artifact) {
    try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
