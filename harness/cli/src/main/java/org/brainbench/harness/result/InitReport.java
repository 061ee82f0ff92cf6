package org.brainbench.harness.result;

import java.util.List;

/**
 * How a cell's model was initialised: {@code from} is {@code scratch}, {@code pretrained:<stage>},
 * {@code timm:<file>} or {@code torchvision:<file>}; for weights that were loaded, how many tensors,
 * the model's parameters they did not cover, the file's tensors without a place, and the adaptations
 * made (input channels, slice-position tables); and the fine-tuning mode.
 */
public record InitReport(String from, List<String> adaptedChannels, List<String> resizedPositions, Integer loaded, List<String> notLoaded,
    Integer ignored, String finetune) {
  public InitReport {
    adaptedChannels = adaptedChannels == null ? List.of() : List.copyOf(adaptedChannels);
    resizedPositions = resizedPositions == null ? List.of() : List.copyOf(resizedPositions);
    notLoaded = notLoaded == null ? null : List.copyOf(notLoaded);
  }

  public static InitReport scratch(String finetune) {
    return new InitReport("scratch", List.of(), List.of(), null, null, null, finetune);
  }
}
