package org.brainbench.tasks.seed;

/** Derives independent, reproducible seeds from one seed and a name. */
public final class Seeds {
  private Seeds() {}

  /**
   * A 64-bit seed for {@code name} under {@code seed}: FNV-1a over the name's characters, started
   * from the seed, then SplitMix64's finaliser so nearby inputs give unrelated outputs.
   */
  public static long mix(long seed, String name) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (int i = 0; i < name.length(); i++) {
      h ^= name.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
