package org.brainbench.api.model;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/** A spec's hyperparameters by name, as its record holds them (for describing and comparing configurations). */
public final class ParamValues {
  private ParamValues() {}

  public static Map<String, Object> of(ModelSpec spec) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent c : spec.getClass().getRecordComponents()) {
      try {
        out.put(c.getName(), c.getAccessor().invoke(spec));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }
}
