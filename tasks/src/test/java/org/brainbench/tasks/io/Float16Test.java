package org.brainbench.tasks.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Float16Test {
  @Test
  void everyHalfSurvivesARoundTripThroughFloat() {
    for (int bits = 0; bits < 0x10000; bits++) {
      short h = (short) bits;
      float f = Float16.toFloat(h);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(Float16.toFloat(Float16.fromFloat(f)))).as("NaN 0x%04x", bits).isTrue();
      } else {
        assertThat(Float16.fromFloat(f)).as("0x%04x", bits).isEqualTo(h);
      }
    }
  }

  @Test
  void knownValues() {
    assertThat(Float16.toFloat((short) 0x3c00)).isEqualTo(1f);
    assertThat(Float16.toFloat((short) 0xc000)).isEqualTo(-2f);
    assertThat(Float16.toFloat((short) 0x7bff)).isEqualTo(65504f); // largest half
    assertThat(Float16.toFloat((short) 0x0001)).isEqualTo(0x1p-24f); // smallest subnormal
    assertThat(Float16.fromFloat(65520f)).isEqualTo((short) 0x7c00); // rounds past the largest: infinity
    assertThat(Float16.fromFloat(1e-9f)).isEqualTo((short) 0);
    assertThat(Float16.fromFloat(-0f)).isEqualTo((short) 0x8000);
    // ties go to the even neighbour: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10
    assertThat(Float16.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
    assertThat(Float16.fromFloat(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);
  }

  @Test
  void floatsRoundToTheNearestHalf() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      // z-scored intensities, and the subnormal range
      float f = i % 2 == 0 ? (float) (r.nextGaussian() * 4) : (float) (r.nextDouble(-1, 1) * 0x1p-14);
      short h = Float16.fromFloat(f);
      double error = Math.abs((double) Float16.toFloat(h) - f);
      for (int step : new int[] {-1, 1}) {
        float neighbour = Float16.toFloat((short) (h + step));
        if (Float.isNaN(neighbour)) {
          continue; // past -0 the bit patterns wrap to NaNs
        }
        double other = Math.abs((double) neighbour - f);
        assertThat(error).as("%s -> 0x%04x", f, h & 0xffff).isLessThanOrEqualTo(other);
      }
    }
  }
}
