package org.brainbench.api.backend;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ModelSpec;

/**
 * A backend's builders, one per spec type, found with {@link ServiceLoader}.
 *
 * @param <B> the backend's builder interface
 */
public final class SpecBuilders<B extends SpecBuilder<?>> {
  private final String backend;
  private final Map<Class<?>, B> byType = new LinkedHashMap<>();

  private SpecBuilders(String backend) {
    this.backend = backend;
  }

  /** The builders of {@code service} on the class path of {@code service}'s loader. */
  public static <B extends SpecBuilder<?>> SpecBuilders<B> load(Class<B> service, String backend) {
    SpecBuilders<B> out = new SpecBuilders<>(backend);
    for (B b : ServiceLoader.load(service, service.getClassLoader())) {
      B before = out.byType.put(b.specType(), b);
      if (before != null) {
        throw new IllegalStateException(backend + ": two builders for " + b.specType().getSimpleName() + ": " + before.getClass().getName() + " and "
            + b.getClass().getName());
      }
    }
    return out;
  }

  /** The builder of this spec's type; an {@link IllegalArgumentException} if the backend has none. */
  public B forSpec(ModelSpec spec) {
    B b = byType.get(spec.getClass());
    if (b == null) {
      throw new IllegalArgumentException("the " + backend + " backend cannot build " + spec.id() + " (no builder for " + spec.getClass().getSimpleName() + ")");
    }
    return b;
  }

  /** The spec types with a builder. */
  public Set<Class<?>> specTypes() {
    return java.util.Collections.unmodifiableSet(byType.keySet());
  }

  /** The ids of the models with a builder. */
  public Set<String> modelIds() {
    Set<String> out = new TreeSet<>();
    for (Class<?> type : byType.keySet()) {
      out.add(ModelCatalog.of(type.asSubclass(ModelSpec.class)).id());
    }
    return out;
  }
}
