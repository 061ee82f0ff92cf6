package org.brainbench.tasks.io;

/**
 * IEEE 754 binary16 conversions (Java 17 has none; {@code Float.floatToFloat16} came in Java 20):
 * float to half rounds to nearest, ties to even, overflows to infinity and keeps NaN a NaN.
 */
public final class Float16 {
  private Float16() {}

  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7f_ffff;
    if (exponent == 0xff) { // infinity, or NaN with its payload's top bits and the quiet bit
      return (short) (sign | 0x7c00 | (mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13)));
    }
    int e = exponent - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) { // a half subnormal (or zero): the significand with its implicit bit, shifted down
      if (e < -10) {
        return (short) sign;
      }
      return (short) (sign | roundShift(mantissa | 0x80_0000, 14 - e));
    }
    // rounding may carry into the exponent, which is right (up to infinity)
    return (short) (sign | roundShift((e << 23) | mantissa, 13));
  }

  public static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float v = mantissa * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** {@code value >> shift}, rounded to nearest, ties to even. */
  private static int roundShift(int value, int shift) {
    int kept = value >>> shift;
    int rest = value & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    return rest > half || (rest == half && (kept & 1) != 0) ? kept + 1 : kept;
  }
}
