package org.brainbench.backend.dl4j;

import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.RegressionLoss;
import org.brainbench.api.training.SoftBins;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The loss of each supervised task, the same definitions as the DJL backend's {@code TaskLoss}:
 * cross-entropy (classify); L1 or squared error on the standardised value (regress); voxel
 * cross-entropy plus soft Dice loss over the foreground classes, smoothing 1e-5 (segment). Class
 * targets arrive one-hot (the model encodes them), so every loss is plain arithmetic.
 */
final class TaskLosses {
  private static final double DICE_SMOOTH = 1e-5;

  private TaskLosses() {}

  /** The target placeholder for this head: one-hot N x K, values N, or one-hot voxels N x K x D x H x W. */
  static SDVariable target(SameDiff sd, TaskHead head, SoftBins bins) {
    int[] s = head.inputShape();
    return switch (head.type()) {
      case CLASSIFY -> sd.placeHolder("target", DataType.FLOAT, -1, head.outputs());
      case REGRESS -> bins == null ? sd.placeHolder("target", DataType.FLOAT, -1) : sd.placeHolder("target", DataType.FLOAT, -1, bins.count());
      case SEGMENT -> sd.placeHolder("target", DataType.FLOAT, -1, head.outputs(), s[0], s[1], s[2]);
      case PRETRAIN -> throw new IllegalArgumentException("pre-training has no targets");
    };
  }

  static SDVariable loss(SameDiff sd, String name, TaskHead head, RegressionLoss regression, SoftBins bins, boolean binaryLogit,
      org.brainbench.api.training.SegmentationLoss segmentationLoss, SDVariable out, SDVariable target) {
    return switch (head.type()) {
      case CLASSIFY -> {
        if (binaryLogit) {
          // one logit z against y = P(class 1) of the one-hot target: PyTorch's BCE with logits
          SDVariable z = out.reshape(-1);
          SDVariable y = target.get(org.nd4j.autodiff.samediff.SDIndex.all(), org.nd4j.autodiff.samediff.SDIndex.point(1)).reshape(-1);
          SDVariable softplus = sd.math().log(sd.math().exp(sd.math().abs(z).neg()).add(1));
          yield sd.identity(name, sd.math().max(z, sd.zerosLike(z)).sub(z.mul(y)).add(softplus).mean());
        }
        yield sd.identity(name, logSoftmax(sd, out, 1).mul(target).sum(1).neg().mean());
      }
      case REGRESS -> {
        if (bins != null) {
          // the authors' KL: sum(y' (ln y' - log softmax)) / B with y' = y + 1e-16
          SDVariable y = target.add(SoftBins.EPSILON);
          yield sd.identity(name, y.mul(sd.math().log(y).sub(logSoftmax(sd, out, 1))).sum().div(sd.sizeAt(out, 0).castTo(DataType.FLOAT)));
        }
        SDVariable diff = out.reshape(-1).sub(target);
        yield sd.identity(name, regression == RegressionLoss.L1 ? sd.math().abs(diff).mean() : diff.mul(diff).mean());
      }
      case SEGMENT -> sd.identity(name, segmentationLoss == org.brainbench.api.training.SegmentationLoss.DICE_FOCAL_PER_SLICE
          ? diceFocalPerSlice(sd, head, out, target) : segmentation(sd, head, out, target));
      case PRETRAIN -> throw new IllegalArgumentException("pre-training has its own loss");
    };
  }

  /** Soft-bin regression's prediction (N, 1): the bin centres' expectation under the softmax of the logits (N, K). */
  static SDVariable expectation(SameDiff sd, SDVariable logits, SoftBins bins) {
    SDVariable centres = sd.constant(Nd4j.create(bins.centres(), new long[] {bins.count(), 1}, 'c'));
    return sd.mmul(sd.math().exp(logSoftmax(sd, logits, 1)), centres);
  }

  /**
   * log softmax along an axis, written out: SameDiff 1.0.0-M2.1's LogSoftMax op with an explicit
   * dimension fails when its gradient is created ("Error setting property").
   */
  static SDVariable logSoftmax(SameDiff sd, SDVariable x, int axis) {
    SDVariable shifted = x.sub(x.max(true, axis));
    return shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, axis)));
  }

  /** TransSeg's Dice plus focal loss with every axial slice a sample (the DJL backend's {@code TaskLoss.diceFocalPerSlice}). */
  private static SDVariable diceFocalPerSlice(SameDiff sd, TaskHead head, SDVariable logits, SDVariable oneHot) {
    int k = head.outputs();
    int[] s = head.inputShape();
    long pixels = (long) s[1] * s[2];
    SDVariable z = logits.permute(0, 2, 1, 3, 4).reshape(-1, k, pixels);
    SDVariable t = oneHot.permute(0, 2, 1, 3, 4).reshape(-1, k, pixels);
    SDVariable logProb = logSoftmax(sd, z, 1);
    SDVariable prob = sd.math().exp(logProb);
    SDVariable intersection = prob.mul(t).sum(2);
    SDVariable denominator = t.sum(2).add(prob.sum(2));
    SDVariable dice = intersection.mul(2).add(DICE_SMOOTH).div(denominator.add(DICE_SMOOTH)).rsub(1).mean();
    SDVariable miss = prob.rsub(1);
    SDVariable focal = miss.mul(miss).mul(t).mul(logProb).neg().mean();
    return dice.add(focal);
  }

  private static SDVariable segmentation(SameDiff sd, TaskHead head, SDVariable logits, SDVariable oneHot) {
    int k = head.outputs();
    SDVariable logProb = logSoftmax(sd, logits, 1);
    SDVariable ce = logProb.mul(oneHot).sum(1).neg().mean();
    SDVariable prob = sd.math().exp(logProb);
    SDVariable intersection = prob.mul(oneHot).sum(0, 2, 3, 4);
    SDVariable total = prob.sum(0, 2, 3, 4).add(oneHot.sum(0, 2, 3, 4));
    SDVariable dice = intersection.mul(2).add(DICE_SMOOTH).div(total.add(DICE_SMOOTH));
    float[] foreground = new float[k];
    for (int c = 1; c < k; c++) {
      foreground[c] = 1f / (k - 1);
    }
    SDVariable meanForegroundDice = dice.mul(sd.constant(Nd4j.create(foreground))).sum();
    return ce.add(meanForegroundDice.rsub(1));
  }
}
