package org.brainbench.api.model;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a spec record's {@link Param} annotations say, read once per record class: the parameter
 * definitions, the defaults, range checks (called from each spec's compact constructor), and
 * building a spec from a suite's values. Adding a component with its annotation is all a new
 * hyperparameter needs.
 */
public final class ParamSchema {
  private enum Kind {
    INT(ParamDef.Type.INT),
    DOUBLE(ParamDef.Type.DOUBLE),
    BOOLEAN(ParamDef.Type.BOOLEAN),
    STRING(ParamDef.Type.STRING),
    CHOICE(ParamDef.Type.STRING),
    INT_LIST(ParamDef.Type.INT_LIST),
    DOUBLE_LIST(ParamDef.Type.DOUBLE_LIST),
    CHOICE_LIST(ParamDef.Type.STRING_LIST);

    final ParamDef.Type suiteType;

    Kind(ParamDef.Type suiteType) {
      this.suiteType = suiteType;
    }
  }

  /** One annotated component. {@code choice} is the enum of a choice or choice list, else null. */
  private record Component(String name, Param param, Kind kind, Class<?> choice) {}

  private static final ClassValue<ParamSchema> SCHEMAS = new ClassValue<>() {
    @Override
    protected ParamSchema computeValue(Class<?> type) {
      return new ParamSchema(type);
    }
  };

  private final Class<?> type;
  private final List<Component> components = new ArrayList<>();
  private final Constructor<?> constructor;
  private final List<ParamDef> defs = new ArrayList<>();
  private final Object[] defaults;

  private ParamSchema(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    this.type = type;
    RecordComponent[] rc = type.getRecordComponents();
    Class<?>[] types = new Class<?>[rc.length];
    for (int i = 0; i < rc.length; i++) {
      types[i] = rc[i].getType();
      Param p = rc[i].getAnnotation(Param.class);
      if (p == null) {
        throw new IllegalStateException(type.getSimpleName() + "." + rc[i].getName() + " has no @Param: every hyperparameter is described");
      }
      components.add(component(rc[i], p));
    }
    try {
      constructor = type.getDeclaredConstructor(types);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
    }
    defaults = new Object[components.size()];
    for (int i = 0; i < components.size(); i++) {
      Component c = components.get(i);
      defaults[i] = parseDefault(c);
      defs.add(new ParamDef(c.name(), c.kind().suiteType, suiteValue(c, defaults[i]), c.param().value(), range(c.param(), c.kind()),
          c.choice() == null ? List.of() : Choice.ids(c.choice()), c.param().file()));
    }
  }

  public static ParamSchema of(Class<?> type) {
    return SCHEMAS.get(type);
  }

  public List<ParamDef> params() {
    return List.copyOf(defs);
  }

  /** The record built from its defaults. */
  public Object defaults() {
    return construct(defaults.clone());
  }

  /**
   * Builds the record from a suite's values (parameters left out take their defaults). Choices may
   * be given by id; numbers of any boxed type. Bad values fail with an {@link IllegalArgumentException}
   * whose message names the parameter.
   */
  public Object build(Map<String, ?> values) {
    for (String name : values.keySet()) {
      if (components.stream().noneMatch(c -> c.name().equals(name))) {
        throw new IllegalArgumentException("unknown parameter " + name + " of " + type.getSimpleName() + "; its parameters are "
            + components.stream().map(Component::name).toList());
      }
    }
    Object[] args = defaults.clone();
    for (int i = 0; i < components.size(); i++) {
      Component c = components.get(i);
      if (values.containsKey(c.name())) {
        args[i] = convert(c, values.get(c.name()));
      }
    }
    return construct(args);
  }

  /**
   * Checks every annotated range of a record's components, given in declaration order (call it first
   * in the compact constructor). Throws an {@link IllegalArgumentException} for the first value out
   * of range: {@code "widthFactor must be in (0, 8], got 0.0"}.
   */
  public static void check(Class<?> type, Object... values) {
    ParamSchema s = of(type);
    if (values.length != s.components.size()) {
      throw new IllegalStateException(type.getSimpleName() + ": check got " + values.length + " values for " + s.components.size() + " components");
    }
    for (int i = 0; i < values.length; i++) {
      s.checkOne(s.components.get(i), values[i]);
    }
  }

  private void checkOne(Component c, Object v) {
    Param p = c.param();
    switch (c.kind()) {
      case INT, DOUBLE -> {
        if (v == null || !inRange(p, ((Number) v).doubleValue())) {
          throw new IllegalArgumentException(c.name() + " must be " + range(p, c.kind()) + ", got " + v);
        }
      }
      case INT_LIST, DOUBLE_LIST, CHOICE_LIST -> {
        List<?> list = (List<?>) v;
        if (list == null || list.size() < p.minItems()) {
          throw new IllegalArgumentException(c.name() + " must list at least " + p.minItems() + (p.minItems() == 1 ? " value" : " values") + ", got " + list);
        }
        for (Object item : list) {
          boolean numbers = c.kind() == Kind.INT_LIST || c.kind() == Kind.DOUBLE_LIST;
          if (item == null || (numbers && !inRange(p, ((Number) item).doubleValue()))) {
            throw new IllegalArgumentException(c.name() + " must be " + (numbers ? range(p, c.kind()) : "one of " + Choice.ids(c.choice()))
                + ", got " + list);
          }
        }
      }
      case CHOICE, BOOLEAN -> {
        if (v == null) {
          throw new IllegalArgumentException(c.name() + " must be given");
        }
      }
      case STRING -> {
        // null means "not set" (the spec normalises it to "")
      }
    }
  }

  private static boolean inRange(Param p, double v) {
    boolean low = p.minOpen() ? v > p.min() : v >= p.min();
    boolean high = p.maxOpen() ? v < p.max() : v <= p.max();
    return low && high && !Double.isNaN(v);
  }

  /** {@code (0, 8]}, {@code >= 1}, {@code < 1}, or "" when unbounded. */
  private static String range(Param p, Kind kind) {
    if (kind != Kind.INT && kind != Kind.DOUBLE && kind != Kind.INT_LIST && kind != Kind.DOUBLE_LIST) {
      return "";
    }
    boolean low = p.min() != Double.NEGATIVE_INFINITY;
    boolean high = p.max() != Double.POSITIVE_INFINITY;
    if (low && high) {
      return "in " + (p.minOpen() ? "(" : "[") + number(p.min()) + ", " + number(p.max()) + (p.maxOpen() ? ")" : "]");
    }
    if (low) {
      return (p.minOpen() ? "> " : ">= ") + number(p.min());
    }
    return high ? (p.maxOpen() ? "< " : "<= ") + number(p.max()) : "";
  }

  private static String number(double v) {
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  private Object construct(Object[] args) {
    try {
      return constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private Component component(RecordComponent rc, Param p) {
    Class<?> t = rc.getType();
    if (t == int.class || t == Integer.class) {
      return new Component(rc.getName(), p, Kind.INT, null);
    }
    if (t == double.class || t == Double.class) {
      return new Component(rc.getName(), p, Kind.DOUBLE, null);
    }
    if (t == boolean.class || t == Boolean.class) {
      return new Component(rc.getName(), p, Kind.BOOLEAN, null);
    }
    if (t == String.class) {
      return new Component(rc.getName(), p, Kind.STRING, null);
    }
    if (t.isEnum() && Choice.class.isAssignableFrom(t)) {
      return new Component(rc.getName(), p, Kind.CHOICE, t);
    }
    if (t == List.class && rc.getGenericType() instanceof ParameterizedType pt && pt.getActualTypeArguments()[0] instanceof Class<?> e) {
      if (e == Integer.class) {
        return new Component(rc.getName(), p, Kind.INT_LIST, null);
      }
      if (e == Double.class) {
        return new Component(rc.getName(), p, Kind.DOUBLE_LIST, null);
      }
      if (e.isEnum() && Choice.class.isAssignableFrom(e)) {
        return new Component(rc.getName(), p, Kind.CHOICE_LIST, e);
      }
    }
    throw new IllegalStateException(type.getSimpleName() + "." + rc.getName() + ": unsupported parameter type " + rc.getGenericType());
  }

  private Object parseDefault(Component c) {
    String text = c.param().defaultValue().trim();
    try {
      return switch (c.kind()) {
        case INT -> Integer.parseInt(text);
        case DOUBLE -> Double.parseDouble(text);
        case BOOLEAN -> Boolean.parseBoolean(text);
        case STRING -> text.equals("\"\"") ? "" : text;
        case CHOICE -> convert(c, text);
        case INT_LIST, DOUBLE_LIST, CHOICE_LIST -> convert(c, items(text));
      };
    } catch (RuntimeException e) {
      throw new IllegalStateException(type.getSimpleName() + "." + c.name() + ": bad default \"" + text + "\": " + e.getMessage(), e);
    }
  }

  private static List<String> items(String text) {
    if (!text.startsWith("[") || !text.endsWith("]")) {
      throw new IllegalArgumentException("a list default is written [a, b, ...]");
    }
    String inner = text.substring(1, text.length() - 1).trim();
    return inner.isEmpty() ? List.of() : Arrays.stream(inner.split(",")).map(String::trim).toList();
  }

  /** A suite's (or a caller's) value as the component's Java type. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object convert(Component c, Object v) {
    if (v == null) {
      return null;
    }
    return switch (c.kind()) {
      case INT -> v instanceof Number n ? (Object) n.intValue() : Integer.parseInt(v.toString());
      case DOUBLE -> v instanceof Number n ? (Object) n.doubleValue() : Double.parseDouble(v.toString());
      case BOOLEAN -> v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString());
      case STRING -> v.toString();
      case CHOICE -> choice(c, v);
      case INT_LIST -> ((List<?>) v).stream().map(x -> x instanceof Number n ? n.intValue() : Integer.parseInt(x.toString())).toList();
      case DOUBLE_LIST -> ((List<?>) v).stream().map(x -> x instanceof Number n ? n.doubleValue() : Double.parseDouble(x.toString())).toList();
      case CHOICE_LIST -> {
        List<Object> out = new ArrayList<>();
        for (Object x : (List<?>) v) {
          out.add(choice(c, x));
        }
        yield List.copyOf(out);
      }
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object choice(Component c, Object v) {
    if (c.choice().isInstance(v)) {
      return v;
    }
    Object e = Choice.fromId((Class) c.choice(), v.toString());
    if (e == null) {
      throw new IllegalArgumentException(c.name() + " must be one of " + Choice.ids(c.choice()) + ", got \"" + v + "\"");
    }
    return e;
  }

  /** A Java value as a suite writes it (choices by id), for describe and the reference. */
  private static Object suiteValue(Component c, Object v) {
    return switch (c.kind()) {
      case CHOICE -> ((Choice) v).id();
      case CHOICE_LIST -> ((List<?>) v).stream().map(x -> ((Choice) x).id()).toList();
      default -> v;
    };
  }

  @Override
  public String toString() {
    return type.getSimpleName().toLowerCase(Locale.ROOT) + components.stream().map(Component::name).toList();
  }
}
