package org.brainbench.api.weights;

/**
 * A weights file a model's own parameters name (its spec's {@code weights} or {@code imagenetWeights}),
 * with the convention its tensor names follow ({@code timm}, {@code torchvision}): rows record the
 * initialisation as {@code <convention>:<path>}.
 */
public record WeightsFile(String convention, String path) {
  @Override
  public String toString() {
    return convention + ":" + path;
  }
}
