package org.brainbench.api.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A model hyperparameter, described once on its spec record's component: what it means, its
 * default as a suite writes it, and its allowed range. Suite validation, {@code describe}, the
 * generated suite reference and the spec's own constructor ({@link ParamSchema#check}) all read it.
 *
 * <p>Bounds apply to numbers and to every element of a list of numbers. Types: {@code int},
 * {@code double}, {@code boolean}, {@code String}, an enum implementing {@link Choice}, or a
 * {@code List} of integers or of a {@link Choice} enum.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Param {
  /** What the parameter does, in one line. */
  String value();

  /** The default in suite syntax: {@code 0.5}, {@code true}, {@code cnn}, {@code [32, 64]}, {@code ""}. */
  String defaultValue();

  double min() default Double.NEGATIVE_INFINITY;

  /** Whether {@link #min} itself is excluded. */
  boolean minOpen() default false;

  double max() default Double.POSITIVE_INFINITY;

  /** Whether {@link #max} itself is excluded. */
  boolean maxOpen() default false;

  /** The fewest elements a list may have. */
  int minItems() default 1;

  /** The value names a file, resolved against the suite's folder ({@code ""}: none). */
  boolean file() default false;
}
