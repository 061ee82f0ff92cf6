package org.brainbench.tasks.synth;

/**
 * One simulated lesion in template-aligned coordinates (mm), BraTS-style: a necrotic core (label
 * 1) inside an enhancing rim (label 4) inside oedema (label 2). Boundaries are level sets of a
 * distance perturbed by smooth random fields, so shapes are irregular.
 *
 * @param radius outer radius of the enhancing tumour, mm (before shape perturbation)
 * @param necrosis inner radius of the enhancing rim relative to {@code radius}; 0 means no core
 * @param oedema oedema extent relative to {@code radius} (> 1)
 * @param massEffect how strongly surrounding tissue is pushed away (0..0.6)
 * @param shapeSeed seed of the boundary perturbations
 */
public record Tumour(double[] center, double radius, double necrosis, double oedema, double massEffect, long shapeSeed) {}
