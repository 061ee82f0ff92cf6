package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.brainbench.api.model.View;

/** Cuts a batch of volumes (B, C, D, H, W) into slices of a view and stacks slices back. */
final class SliceOps {
  private SliceOps() {}

  /** (B, C, D, H, W) to (B * S, C, h, w), slice by slice along the view's axis. */
  static NDArray toSlices(NDArray x, View view) {
    Shape s = x.getShape();
    long b = s.get(0);
    long c = s.get(1);
    return switch (view) {
      case AXIAL -> x.transpose(0, 2, 1, 3, 4).reshape(b * s.get(2), c, s.get(3), s.get(4));
      case CORONAL -> x.transpose(0, 3, 1, 2, 4).reshape(b * s.get(3), c, s.get(2), s.get(4));
      case SAGITTAL -> x.transpose(0, 4, 1, 2, 3).reshape(b * s.get(4), c, s.get(2), s.get(3));
    };
  }

  /** (B * S, K, h, w) slices back to (B, K, D, H, W). */
  static NDArray fromSlices(NDArray y, View view, long batch) {
    Shape s = y.getShape();
    long slices = s.get(0) / batch;
    long k = s.get(1);
    return switch (view) {
      case AXIAL -> y.reshape(batch, slices, k, s.get(2), s.get(3)).transpose(0, 2, 1, 3, 4);
      case CORONAL -> y.reshape(batch, slices, k, s.get(2), s.get(3)).transpose(0, 2, 3, 1, 4);
      case SAGITTAL -> y.reshape(batch, slices, k, s.get(2), s.get(3)).transpose(0, 2, 3, 4, 1);
    };
  }
}
