package org.brainbench.api.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** What a spec record describes: the model id suites use, its protocol, and a one-line summary for {@code describe}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ModelInfo {
  String id();

  /**
   * Which published variant of the model this record is ({@code jun2021}, {@code ema}), chosen in a
   * suite with {@code params: {protocol: ...}}; empty for a model with one variant.
   */
  String protocol() default "";

  /** Whether a suite that names no protocol gets this one (one per model id). */
  boolean defaultProtocol() default true;

  /**
   * Whether this protocol is a model as its authors released it (rebuilt from their code and checked
   * against tools/authors-reference), rather than one of brainbench's own variants.
   */
  boolean authorsRelease() default false;

  String summary();
}
