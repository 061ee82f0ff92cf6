package org.brainbench.api.model;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every model brainbench knows, found from the spec records that {@link ModelSpec} permits: each
 * record's {@link ModelInfo} gives its id, its protocol (one record per published variant of a model)
 * and summary, its components' {@link Param} annotations its
 * hyperparameters (through {@link ParamSchema}), and its static {@code examples()} the small
 * configurations that the backend contract tests, {@code parity} and the docs use. Nothing here is
 * kept by hand: a new model is a new permitted record.
 */
public final class ModelCatalog {
  /** One model. */
  public record Entry(String id, String protocol, boolean defaultProtocol, String description, Class<? extends ModelSpec> type) {
    /** {@code id}, or {@code id/protocol} for a model with several protocols. */
    public String name() {
      return protocol.isEmpty() ? id : id + "/" + protocol;
    }

    /** See {@link ModelInfo#authorsRelease()}. */
    public boolean authorsRelease() {
      return type.getAnnotation(ModelInfo.class).authorsRelease();
    }

    public List<ParamDef> params() {
      return ParamSchema.of(type).params();
    }

    /** Builds the spec from a suite's values, defaults filling the rest. */
    public ModelSpec build(Map<String, ?> values) {
      return type.cast(ParamSchema.of(type).build(values));
    }

    public ModelSpec defaults() {
      return type.cast(ParamSchema.of(type).defaults());
    }

    public ParamDef param(String name) {
      return params().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * Small configurations that between them exercise every option of the model, at sizes a test
     * can train in seconds (the record's {@code public static List<...> examples()}).
     */
    public List<ModelSpec> examples() {
      try {
        Method m = type.getMethod("examples");
        if (!Modifier.isStatic(m.getModifiers())) {
          throw new IllegalStateException(type.getSimpleName() + ".examples() must be static");
        }
        List<?> out = (List<?>) m.invoke(null);
        return out.stream().map(type::cast).map(ModelSpec.class::cast).toList();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(type.getSimpleName() + " needs a public static List<" + type.getSimpleName() + "> examples()", e);
      }
    }
  }

  private static final List<Entry> ENTRIES = discover();

  private ModelCatalog() {}

  @SuppressWarnings("unchecked")
  private static List<Entry> discover() {
    List<Entry> out = new ArrayList<>();
    for (Class<?> c : ModelSpec.class.getPermittedSubclasses()) {
      ModelInfo info = c.getAnnotation(ModelInfo.class);
      if (info == null) {
        throw new IllegalStateException(c.getName() + " has no @ModelInfo");
      }
      out.add(new Entry(info.id(), info.protocol(), info.defaultProtocol(), info.summary(), (Class<? extends ModelSpec>) c));
    }
    for (String id : out.stream().map(Entry::id).distinct().toList()) {
      long defaults = out.stream().filter(e -> e.id().equals(id) && e.defaultProtocol()).count();
      if (defaults != 1) {
        throw new IllegalStateException(id + " has " + defaults + " default protocols; exactly one @ModelInfo(defaultProtocol = true) per id");
      }
    }
    return List.copyOf(out);
  }

  public static List<Entry> entries() {
    return ENTRIES;
  }

  /** The entry of this id's default protocol, or null. */
  public static Entry find(String id) {
    return ENTRIES.stream().filter(e -> e.id().equals(id) && e.defaultProtocol()).findFirst().orElse(null);
  }

  /** The entry of this id and protocol, or null. */
  public static Entry find(String id, String protocol) {
    return ENTRIES.stream().filter(e -> e.id().equals(id) && e.protocol().equals(protocol)).findFirst().orElse(null);
  }

  /** The protocols of a model id, the default first. */
  public static List<String> protocols(String id) {
    return ENTRIES.stream().filter(e -> e.id().equals(id)).sorted((a, b) -> Boolean.compare(b.defaultProtocol(), a.defaultProtocol()))
        .map(Entry::protocol).toList();
  }

  /** The entry of a spec type. */
  public static Entry of(Class<? extends ModelSpec> type) {
    return ENTRIES.stream().filter(e -> e.type() == type).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(type.getName() + " is not a permitted ModelSpec"));
  }

  /** The model ids, each once. */
  public static List<String> ids() {
    return ENTRIES.stream().map(Entry::id).distinct().toList();
  }
}
