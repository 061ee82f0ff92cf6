package org.brainbench.tasks.synth;

import java.util.SplittableRandom;

/**
 * A smooth random scalar field over world space: a sum of plane waves with random directions,
 * wavelengths in a range, phases and normally distributed amplitudes. Cheap to evaluate anywhere,
 * exactly reproducible from its seed, and as smooth as its shortest wavelength.
 */
final class SmoothField {
  private final double[] kx;
  private final double[] ky;
  private final double[] kz;
  private final double[] phase;
  private final double[] amplitude;

  /**
   * @param waves number of plane waves
   * @param minWavelength shortest wavelength, mm
   * @param maxWavelength longest wavelength, mm
   * @param rms the field's root-mean-square value
   */
  SmoothField(SplittableRandom random, int waves, double minWavelength, double maxWavelength, double rms) {
    kx = new double[waves];
    ky = new double[waves];
    kz = new double[waves];
    phase = new double[waves];
    amplitude = new double[waves];
    // each wave sin(...) has rms a/sqrt(2): scale so the sum has the requested rms
    double perWave = rms * Math.sqrt(2.0 / waves);
    for (int w = 0; w < waves; w++) {
      double[] u = unitVector(random);
      double lambda = minWavelength + random.nextDouble() * (maxWavelength - minWavelength);
      double k = 2 * Math.PI / lambda;
      kx[w] = k * u[0];
      ky[w] = k * u[1];
      kz[w] = k * u[2];
      phase[w] = random.nextDouble() * 2 * Math.PI;
      amplitude[w] = perWave * gaussian(random);
    }
  }

  double at(double x, double y, double z) {
    double s = 0;
    for (int w = 0; w < kx.length; w++) {
      s += amplitude[w] * Math.sin(kx[w] * x + ky[w] * y + kz[w] * z + phase[w]);
    }
    return s;
  }

  static double[] unitVector(SplittableRandom random) {
    while (true) {
      double x = 2 * random.nextDouble() - 1;
      double y = 2 * random.nextDouble() - 1;
      double z = 2 * random.nextDouble() - 1;
      double n = x * x + y * y + z * z;
      if (n > 1e-6 && n <= 1) {
        n = Math.sqrt(n);
        return new double[] {x / n, y / n, z / n};
      }
    }
  }

  /** A standard normal draw (Box-Muller; SplittableRandom has no nextGaussian on JDK 17). */
  static double gaussian(SplittableRandom random) {
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
