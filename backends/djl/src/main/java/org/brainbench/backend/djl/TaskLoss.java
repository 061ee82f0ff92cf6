package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.RegressionLoss;

/**
 * The loss of each task, as a DJL {@link Loss} (labels first, predictions second):
 *
 * <ul>
 *   <li>classify: cross-entropy of the softmax of the logits, mean over the batch;
 *   <li>regress: L1 or mean squared error on the standardised target;
 *   <li>segment: cross-entropy (mean over voxels) plus soft Dice loss (1 - mean Dice of the
 *       foreground classes, computed over the whole batch, smoothing 1e-5);
 *   <li>pretrain: squared error between the model's predictions and targets at masked tokens
 *       (the model returns predictions, targets and the mask).
 * </ul>
 */
final class TaskLoss extends Loss {
  private static final float DICE_SMOOTH = 1e-5f;

  private final TaskHead head;
  private final RegressionLoss regression;
  private final org.brainbench.api.training.SoftBins bins;
  private final org.brainbench.api.training.SegmentationLoss segmentation;

  /**
   * @param bins regression as soft classification (SFCN): labels (B, K) of soft labels, KL divergence; null for L1/MSE
   * @param segmentation the segment head's loss
   */
  TaskLoss(TaskHead head, RegressionLoss regression, org.brainbench.api.training.SoftBins bins, org.brainbench.api.training.SegmentationLoss segmentation) {
    super("brainbench-" + head.type().id());
    this.head = head;
    this.regression = regression;
    this.bins = bins;
    this.segmentation = segmentation;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    if (head.type() == org.brainbench.tasks.TaskType.PRETRAIN) {
      // a model that computes its own objective returns {loss, spread}; the others {prediction, target, mask, spread}
      return predictions.size() == 2 ? predictions.get(0) : maskedMse(predictions.get(0), predictions.get(1), predictions.get(2));
    }
    NDArray out = predictions.singletonOrThrow();
    NDArray label = labels.singletonOrThrow();
    return switch (head.type()) {
      case CLASSIFY -> out.getShape().get(1) == 1 ? binaryCrossEntropy(out, label) : crossEntropy(out, label);
      case REGRESS -> {
        if (bins != null) {
          yield softBinKl(out, label);
        }
        NDArray diff = out.reshape(-1).sub(label.reshape(-1));
        yield regression == RegressionLoss.L1 ? diff.abs().mean() : diff.square().mean();
      }
      case SEGMENT -> segmentation == org.brainbench.api.training.SegmentationLoss.DICE_FOCAL_PER_SLICE ? diceFocalPerSlice(out, label)
          : segmentation(out, label);
      case PRETRAIN -> throw new IllegalStateException("unreachable");
    };
  }

  /**
   * Self-supervised loss: the squared error between prediction and target (B, T, F), averaged
   * over F and over the masked tokens (mask B x T of 0/1).
   */
  private static NDArray maskedMse(NDArray prediction, NDArray target, NDArray mask) {
    NDArray perToken = prediction.sub(target).square().mean(new int[] {2});
    return perToken.mul(mask).sum().div(Scalars.maximum(mask.sum(), 1f));
  }

  /**
   * The authors' KL divergence of soft labels y (B, K) from the softmax of the logits, summed over
   * bins and divided by B, with y' = y + 1e-16: sum(y' (ln y' - log softmax)) / B.
   */
  private static NDArray softBinKl(NDArray logits, NDArray labels) {
    NDArray y = labels.add(org.brainbench.api.training.SoftBins.EPSILON);
    return Scalars.div(y.mul(y.log().sub(logits.logSoftmax(1))).sum(), (float) logits.getShape().get(0));
  }

  /** One logit per sample (N, 1) against class 0/1: mean of max(z, 0) - z y + log(1 + exp(-|z|)), PyTorch's BCE with logits. */
  private static NDArray binaryCrossEntropy(NDArray logit, NDArray labels) {
    NDArray z = logit.reshape(-1);
    NDArray y = labels.toType(DataType.FLOAT32, false).reshape(-1);
    return Scalars.maximum(z, 0f).sub(z.mul(y)).add(z.abs().neg().exp().add(1f).log()).mean();
  }

  /** Mean over samples of -log softmax(logits)[label]; logits N x K, labels N. */
  private static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logProb = logits.logSoftmax(1);
    NDArray picked = logProb.mul(labels.toType(DataType.INT64, false).oneHot((int) logits.getShape().get(1))).sum(new int[] {1});
    return picked.neg().mean();
  }

  /**
   * TransSeg's Dice plus focal loss with every axial slice a sample (see {@link
   * org.brainbench.api.training.SegmentationLoss#DICE_FOCAL_PER_SLICE}). Logits N x K x D x H x W;
   * labels N x D x H x W.
   */
  private NDArray diceFocalPerSlice(NDArray logits, NDArray labels) {
    int k = head.outputs();
    ai.djl.ndarray.types.Shape s = logits.getShape();
    long slices = s.get(0) * s.get(2);
    NDArray z = logits.transpose(0, 2, 1, 3, 4).reshape(slices, k, s.get(3) * s.get(4));
    NDArray t = labels.toType(DataType.INT64, false).oneHot(k).reshape(slices, s.get(3) * s.get(4), k).transpose(0, 2, 1);
    NDArray logProb = z.logSoftmax(1);
    NDArray prob = logProb.exp();
    NDArray intersection = prob.mul(t).sum(new int[] {2});
    NDArray denominator = t.sum(new int[] {2}).add(prob.sum(new int[] {2}));
    NDArray dice = Scalars.mul(intersection, 2).add(DICE_SMOOTH).div(denominator.add(DICE_SMOOTH)).neg().add(1).mean();
    NDArray focal = prob.neg().add(1).square().mul(t).mul(logProb).neg().mean();
    return dice.add(focal);
  }

  /** Logits N x K x D x H x W; labels N x D x H x W (class indices). */
  private NDArray segmentation(NDArray logits, NDArray labels) {
    int k = head.outputs();
    NDArray oneHot = labels.toType(DataType.INT64, false).oneHot(k).transpose(0, 4, 1, 2, 3); // N,K,D,H,W
    NDArray logProb = logits.logSoftmax(1);
    NDArray ce = logProb.mul(oneHot).sum(new int[] {1}).neg().mean();
    NDArray prob = logProb.exp();
    int[] reduce = {0, 2, 3, 4};
    NDArray intersection = prob.mul(oneHot).sum(reduce);
    NDArray total = prob.sum(reduce).add(oneHot.sum(reduce));
    NDArray dice = Scalars.mul(intersection, 2).add(DICE_SMOOTH).div(total.add(DICE_SMOOTH));
    NDArray foregroundDice = dice.get("1:").mean();
    return ce.add(foregroundDice.neg().add(1));
  }
}
