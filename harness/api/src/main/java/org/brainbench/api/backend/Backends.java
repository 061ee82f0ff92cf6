package org.brainbench.api.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the backends on the classpath. */
public final class Backends {
  private Backends() {}

  /** All backends, sorted by id. */
  public static List<Backend> all() {
    List<Backend> out = new ArrayList<>();
    ServiceLoader.load(Backend.class).forEach(out::add);
    out.sort(Comparator.comparing(Backend::id));
    return out;
  }

  /** The backend with this id, or null. */
  public static Backend find(String id) {
    for (Backend b : all()) {
      if (b.id().equals(id)) {
        return b;
      }
    }
    return null;
  }

  public static List<String> ids() {
    return all().stream().map(Backend::id).toList();
  }
}
