package org.brainbench.api.model;

import java.util.Arrays;
import java.util.List;

/**
 * A closed set of values a model parameter takes, as an enum whose constants have the ids suites
 * write ({@code mean}, {@code resnet18}). Implementations return the id from {@code toString()} too,
 * so a spec record prints (and hashes into result provenance) the way the suite spelled it.
 */
public interface Choice {
  /** The id: the constant's name in lower case with dashes ({@code FROZEN_ENCODER} is {@code frozen-encoder}). */
  default String id() {
    return ((Enum<?>) this).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The constant of {@code type} with this id, or null. */
  static <E extends Enum<E> & Choice> E fromId(Class<E> type, String id) {
    for (E e : type.getEnumConstants()) {
      if (e.id().equals(id)) {
        return e;
      }
    }
    return null;
  }

  /** The ids of every constant, in declaration order. */
  static List<String> ids(Class<?> type) {
    return Arrays.stream(type.getEnumConstants()).map(e -> ((Choice) e).id()).toList();
  }
}
