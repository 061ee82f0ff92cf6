package org.brainbench.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.opentest4j.TestAbortedException;

/**
 * Deterministic random cases for {@code @ParameterizedTest @MethodSource} property tests.
 *
 * <p>A case source lists its edge cases first, then draws random cases up to the wanted count. The
 * random cases are the same on every run: case seeds come from {@code new Random(baseSeed)}, and a
 * case's arguments are {@code draw.apply(new Random(caseSeed))}. Each case is named by its
 * arguments, random ones also by their case seed, so use {@code @ParameterizedTest(name =
 * "[{index}] {argumentSetName}")}. Maven's surefire reports a case by its method and index only,
 * so test classes also {@code @ExtendWith(Cases.NameFailures.class)}: a failing case then carries
 * its name in its stack trace. To rerun one failing random case alone, pass its seed: {@code mvn -o
 * test -pl tasks -Dtest='SomeTest#someProperty' -Dcases.seed=<case seed>}.
 */
public final class Cases {
  private Cases() {}

  /** Longs a property over any {@code long} should try: 0, +-1 and the extremes. */
  public static final long[] EDGE_LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1};

  /** The system property that replaces the random cases with the single case of that seed. */
  public static final String SEED_PROPERTY = "cases.seed";

  /**
   * {@code edges} (named "edge: arguments"), then random cases up to {@code count} in all (named
   * "seed S: arguments"). With {@link #SEED_PROPERTY} set, only the random case of that seed.
   */
  public static Stream<Arguments> of(long baseSeed, int count, List<Object[]> edges, Function<Random, Object[]> draw) {
    String only = System.getProperty(SEED_PROPERTY);
    if (only != null && !only.isBlank()) {
      return Stream.of(random(Long.parseLong(only.strip()), draw));
    }
    List<Arguments> out = new ArrayList<>();
    for (Object[] e : edges) {
      out.add(Arguments.argumentSet("edge: " + describe(e), e));
    }
    Random seeds = new Random(baseSeed);
    while (out.size() < count) {
      out.add(random(seeds.nextLong(), draw));
    }
    return out.stream();
  }

  private static Arguments random(long caseSeed, Function<Random, Object[]> draw) {
    Object[] args = draw.apply(new Random(caseSeed));
    return Arguments.argumentSet("seed " + caseSeed + ": " + describe(args), args);
  }

  /** The arguments of one case (a shorter spelling of {@code new Object[] {...}}). */
  public static Object[] args(Object... args) {
    return args;
  }

  /** An int in [min, max]. */
  public static int between(Random r, int min, int max) {
    return min + r.nextInt(max - min + 1);
  }

  /**
   * A double in [min, max] (themselves of at most two decimals) with two decimals, the scale these
   * properties were first written at (so fractions like 0.25 or 0.5 that sit exactly on rounding
   * ties come up often).
   */
  public static double decimal(Random r, double min, double max) {
    long lo = Math.round(min * 100);
    long hi = Math.round(max * 100);
    return (lo + (long) (r.nextDouble() * (hi - lo + 1))) / 100.0;
  }

  /** A double in [min, max), any precision. */
  public static double uniform(Random r, double min, double max) {
    return min + r.nextDouble() * (max - min);
  }

  /** One of {@code values}. */
  @SafeVarargs
  public static <T> T oneOf(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }

  /** A short text for a test name: arrays by their elements, long texts cut at 120 characters. */
  static String describe(Object[] args) {
    StringBuilder b = new StringBuilder();
    for (Object a : args) {
      if (b.length() > 0) {
        b.append(", ");
      }
      String s = a instanceof Object[] o ? Arrays.deepToString(o)
          : a instanceof double[] d ? Arrays.toString(d)
          : a instanceof float[] f ? Arrays.toString(f)
          : a instanceof int[] i ? Arrays.toString(i)
          : a instanceof long[] l ? Arrays.toString(l)
          : a instanceof boolean[] z ? Arrays.toString(z)
          : String.valueOf(a);
      b.append(s.length() > 120 ? s.substring(0, 117) + "..." : s);
    }
    return b.toString();
  }

  /** Adds a failing parameterized case's name ("[index] seed S: arguments") to its stack trace. */
  public static final class NameFailures implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
      boolean parameterized = context.getTestMethod().map(m -> m.isAnnotationPresent(ParameterizedTest.class)).orElse(false);
      if (parameterized && !(failure instanceof TestAbortedException)) {
        failure.addSuppressed(new FailedCase(context.getDisplayName()));
      }
      throw failure;
    }
  }

  /** The name of the case that failed, as a suppressed exception of its failure. */
  static final class FailedCase extends Exception {
    FailedCase(String name) {
      super("failed case " + name, null, false, false);
    }
  }
}
