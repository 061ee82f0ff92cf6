package org.brainbench.api.model;

/**
 * A plane of section. Volumes are laid out depth-height-width = z-y-x (RAS after reorientation):
 * sagittal slices are taken along x (each a z-y image), coronal along y (z-x images), axial along z
 * (y-x images).
 */
public enum View implements Choice {
  SAGITTAL(2),
  CORONAL(1),
  AXIAL(0);

  /** The axis of the D-H-W input that the slices are taken along. */
  private final int axis;

  View(int axis) {
    this.axis = axis;
  }

  public int axis() {
    return axis;
  }

  @Override
  public String toString() {
    return id();
  }

  public static View fromId(String id) {
    for (View v : values()) {
      if (v.id().equals(id)) {
        return v;
      }
    }
    return null;
  }

  /** How many slices an input of depth-height-width {@code dhw} has in this view. */
  public int slices(int[] dhw) {
    return dhw[axis];
  }

  /** The height and width of each slice. */
  public int[] sliceShape(int[] dhw) {
    return switch (this) {
      case SAGITTAL -> new int[] {dhw[0], dhw[1]};
      case CORONAL -> new int[] {dhw[0], dhw[2]};
      case AXIAL -> new int[] {dhw[1], dhw[2]};
    };
  }
}
