package org.brainbench.api.model;

/**
 * One hyperparameter of a model as a suite writes it under {@code models[i].params}.
 *
 * @param type what the value must be
 * @param defaultValue the value when the suite does not set it (Integer, Double, String, Boolean or
 *     a List of Integers)
 */
public record ParamDef(String name, Type type, Object defaultValue, String description) {
  /** Value types a suite can give. */
  public enum Type {
    INT,
    DOUBLE,
    BOOLEAN,
    STRING,
    INT_LIST,
    STRING_LIST
  }
}
