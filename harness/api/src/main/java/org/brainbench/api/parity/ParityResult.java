package org.brainbench.api.parity;

/**
 * What {@link Parity} found for one (model, task) and pair of backends.
 *
 * @param specCount the analytic parameter count of the spec
 * @param referenceCount total parameters on the reference backend ({@code -1} if it failed to build)
 * @param otherCount total parameters on the other backend
 * @param forward largest difference of the outputs after copying the reference's weights to the
 *     other backend, relative to the largest output magnitude (NaN if not measured)
 * @param backward the same after copying the other backend's weights back
 * @param error why the check could not run, or null
 */
public record ParityResult(String name, String input, String reference, String other, long specCount, long referenceCount, long otherCount,
    double forward, double backward, String error) {
  /** Counts equal to each other and to the spec, both differences within the tolerance. */
  public boolean passes(double tolerance) {
    return error == null && referenceCount == specCount && otherCount == specCount && forward <= tolerance && backward <= tolerance;
  }
}
