package org.brainbench.backend.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.brainbench.api.weights.Tensor;

/**
 * Saves and restores the state of DJL's AdamW, Adam and SGD optimisers (moments, per-parameter update
 * counts) by parameter name, so a cell resumes mid-training exactly where it stopped. DJL 0.35.1
 * keeps this state in private fields with no API, so it is reached reflectively; the field names
 * are checked when the class loads and the backend contract's resume tests ({@code BackendContract}) fail if a DJL upgrade moves them.
 * DJL keys the state by {@link Parameter#getId()}, which differs between model instances; the
 * tensors here are keyed by brainbench's stable parameter names instead.
 */
final class OptimizerState {
  private static final Field ADAMW_MEANS = field(AdamW.class, "means");
  private static final Field ADAMW_VARIANCES = field(AdamW.class, "variances");
  private static final Field ADAM_MEANS = field(Adam.class, "means");
  private static final Field ADAM_VARIANCES = field(Adam.class, "variances");
  private static final Field SGD_MOMENTUM = field(Sgd.class, "momentumStates");
  private static final Field UPDATE_COUNTS = field(Optimizer.class, "updateCounts");
  private static final Field NUM_UPDATE = field(Optimizer.class, "numUpdate");
  private static final String PREFIX = "optimizer/";

  private OptimizerState() {}

  private static Field field(Class<?> type, String name) {
    try {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("DJL " + type.getSimpleName() + " has no field " + name + "; optimiser state cannot be saved with this DJL version", e);
    }
  }

  private static Map<String, Field> stateFields(Optimizer optimizer) {
    if (optimizer instanceof AdamW) {
      return Map.of("means", ADAMW_MEANS, "variances", ADAMW_VARIANCES);
    }
    if (optimizer instanceof Adam) {
      return Map.of("means", ADAM_MEANS, "variances", ADAM_VARIANCES);
    }
    if (optimizer instanceof Sgd) {
      return Map.of("momentum", SGD_MOMENTUM);
    }
    throw new IllegalStateException("cannot save the state of " + optimizer.getClass().getName());
  }

  @SuppressWarnings("unchecked")
  static List<Tensor> export(Optimizer optimizer, Map<String, Parameter> parameters) {
    try {
      Map<String, String> nameOf = new HashMap<>();
      parameters.forEach((name, p) -> nameOf.put(p.getId(), name));
      List<Tensor> out = new ArrayList<>();
      for (var f : stateFields(optimizer).entrySet()) {
        Map<String, Map<Device, NDArray>> state = (Map<String, Map<Device, NDArray>>) f.getValue().get(optimizer);
        for (var e : state.entrySet()) {
          String name = named(nameOf, e.getKey());
          for (NDArray a : e.getValue().values()) {
            out.add(new Tensor(PREFIX + f.getKey() + "/" + name, a.getShape().getShape(), a.toFloatArray()));
          }
        }
      }
      Map<String, Integer> counts = (Map<String, Integer>) UPDATE_COUNTS.get(optimizer);
      for (var e : counts.entrySet()) {
        out.add(new Tensor(PREFIX + "count/" + named(nameOf, e.getKey()), new long[] {1}, new float[] {e.getValue()}));
      }
      out.add(new Tensor(PREFIX + "numUpdate", new long[] {1}, new float[] {NUM_UPDATE.getInt(optimizer)}));
      return out;
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String named(Map<String, String> nameOf, String id) {
    String name = nameOf.get(id);
    if (name == null) {
      throw new IllegalStateException("optimiser state for a parameter the model does not name: " + id);
    }
    return name;
  }

  @SuppressWarnings("unchecked")
  static void restore(Optimizer optimizer, Map<String, Parameter> parameters, List<Tensor> tensors, NDManager manager) {
    try {
      Map<String, Field> fields = stateFields(optimizer);
      Map<String, Integer> counts = (Map<String, Integer>) UPDATE_COUNTS.get(optimizer);
      for (Field f : fields.values()) {
        ((Map<?, ?>) f.get(optimizer)).clear();
      }
      counts.clear();
      for (Tensor t : tensors) {
        if (!t.name().startsWith(PREFIX)) {
          continue;
        }
        String rest = t.name().substring(PREFIX.length());
        if (rest.equals("numUpdate")) {
          NUM_UPDATE.setInt(optimizer, Math.round(t.data()[0]));
          continue;
        }
        int slash = rest.indexOf('/');
        String kind = rest.substring(0, slash);
        Parameter p = parameters.get(rest.substring(slash + 1));
        if (p == null) {
          throw new IllegalArgumentException("optimiser state names an unknown parameter: " + rest.substring(slash + 1));
        }
        if (kind.equals("count")) {
          counts.put(p.getId(), Math.round(t.data()[0]));
          continue;
        }
        Field f = fields.get(kind);
        if (f == null) {
          throw new IllegalArgumentException("optimiser state \"" + kind + "\" does not belong to " + optimizer.getClass().getSimpleName());
        }
        NDArray weight = p.getArray();
        NDArray a = manager.create(t.data(), new Shape(t.shape())).toDevice(weight.getDevice(), false);
        a.attach(weight.getManager());
        Map<String, Map<Device, NDArray>> state = (Map<String, Map<Device, NDArray>>) f.get(optimizer);
        state.computeIfAbsent(p.getId(), k -> new ConcurrentHashMap<>()).put(weight.getDevice(), a);
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
