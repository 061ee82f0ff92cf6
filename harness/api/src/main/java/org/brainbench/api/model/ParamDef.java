package org.brainbench.api.model;

import java.util.List;

/**
 * One hyperparameter of a model as a suite writes it under {@code models[i].params}, derived from
 * its spec record's {@link Param} annotation.
 *
 * @param type what the value must be (a choice is a {@code STRING} or {@code STRING_LIST} with
 *     {@code choices})
 * @param defaultValue the value when the suite does not set it (Integer, Double, String, Boolean or
 *     a List of Integers or Strings)
 * @param range the allowed values of a number or list element in interval notation ({@code (0, 8]},
 *     {@code >= 1}), or empty
 * @param choices the allowed values of a choice, or empty
 * @param file whether the value names a file
 */
public record ParamDef(String name, Type type, Object defaultValue, String description, String range, List<String> choices, boolean file) {
  /** Value types a suite can give. */
  public enum Type {
    INT,
    DOUBLE,
    BOOLEAN,
    STRING,
    INT_LIST,
    DOUBLE_LIST,
    STRING_LIST
  }

  public ParamDef {
    choices = List.copyOf(choices);
  }
}
