package org.brainbench.harness.result;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A row's metrics (or trivial baseline's) in the order they were computed: numbers (NaN where
 * undefined, e.g. the AUC of a one-class fold), per-label maps ({@code dicePerLabel}) and flags
 * ({@code collapsed}). The names and what they mean are the metric registry's.
 */
public final class MetricValues {
  private final Map<String, Object> values;

  private MetricValues(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  public static MetricValues empty() {
    return new MetricValues(new LinkedHashMap<>());
  }

  /** From computed metrics: values must be numbers, booleans or maps of numbers. */
  public static MetricValues of(Map<String, ?> metrics) {
    Map<String, Object> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> out.put(k, normalise(k, v)));
    return new MetricValues(out);
  }

  private static Object normalise(String key, Object v) {
    if (v == null) {
      return Double.NaN;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Double> out = new LinkedHashMap<>();
      m.forEach((a, b) -> out.put(String.valueOf(a), b == null ? Double.NaN : ((Number) b).doubleValue()));
      return Collections.unmodifiableMap(out);
    }
    throw new IllegalArgumentException("metric " + key + ": not a number, flag or per-label map: " + v);
  }

  /** A number, NaN when absent or not a number. */
  public double scalar(String name) {
    return values.get(name) instanceof Double d ? d : Double.NaN;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** A per-label map (label value to number), empty when absent. */
  @SuppressWarnings("unchecked")
  public Map<String, Double> perLabel(String name) {
    return values.get(name) instanceof Map<?, ?> m ? (Map<String, Double>) m : Map.of();
  }

  public Optional<Boolean> flag(String name) {
    return values.get(name) instanceof Boolean b ? Optional.of(b) : Optional.empty();
  }

  public Set<String> names() {
    return values.keySet();
  }

  /** The values in order: Double, Boolean or Map of String to Double. */
  public Map<String, Object> asMap() {
    return values;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetricValues m && values.equals(m.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
