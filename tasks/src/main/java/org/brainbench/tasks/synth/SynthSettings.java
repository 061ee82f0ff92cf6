package org.brainbench.tasks.synth;

import java.util.Arrays;
import java.util.List;
import org.brainbench.tasks.TaskType;

/**
 * What {@code data synth} generates.
 *
 * @param shape output grid size (any cubic or anisotropic shape)
 * @param spacing voxel sizes in mm, or null for the largest isotropic size that fits the brain
 * @param subjects subjects per downstream task; pre-training gets twice as many
 * @param followUpFraction share of classification and regression subjects scanned twice (a
 *     second session 1.5-3 years later), so splits must keep sessions together
 * @param threads worker threads (subjects are independent; results do not depend on this)
 */
public record SynthSettings(int[] shape, double[] spacing, long seed, int subjects, List<TaskType> tasks, double followUpFraction, int threads) {
  /** Bumped whenever the simulator's output for the same settings changes. */
  public static final int VERSION = 1;

  public SynthSettings {
    if (shape == null || shape.length != 3 || Arrays.stream(shape).anyMatch(s -> s < 8 || s > 512)) {
      throw new IllegalArgumentException("shape must be 3 sizes in 8..512, got " + Arrays.toString(shape));
    }
    if (spacing != null && (spacing.length != 3 || Arrays.stream(spacing).anyMatch(s -> !(s >= 0.25 && s <= 20)))) {
      throw new IllegalArgumentException("spacing must be 3 sizes in 0.25..20 mm, got " + Arrays.toString(spacing));
    }
    if (subjects < 1 || subjects > 100_000) {
      throw new IllegalArgumentException("subjects must be in 1..100000, got " + subjects);
    }
    if (tasks == null || tasks.isEmpty()) {
      throw new IllegalArgumentException("no tasks to generate");
    }
    if (!(followUpFraction >= 0 && followUpFraction <= 1)) {
      throw new IllegalArgumentException("follow-up fraction must be in [0, 1], got " + followUpFraction);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    shape = shape.clone();
    spacing = spacing == null ? null : spacing.clone();
    tasks = List.copyOf(tasks);
  }

  /** The same settings for one task only (its cohort is the same as within all tasks). */
  public SynthSettings only(TaskType task) {
    return new SynthSettings(shape, spacing, seed, subjects, List.of(task), followUpFraction, threads);
  }

  /** How many subjects a task gets. */
  public int subjectsFor(TaskType task) {
    return task == TaskType.PRETRAIN ? 2 * subjects : subjects;
  }

  /** A canonical text of what determines the output (not the thread count). */
  public String key() {
    return "synth/v" + VERSION + ";shape=" + Arrays.toString(shape) + ";spacing=" + Arrays.toString(spacing)
        + ";seed=" + seed + ";subjects=" + subjects + ";tasks=" + tasks + ";followUp=" + followUpFraction;
  }
}
