package org.brainbench.backend.dl4j;

import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling3D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv3DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling3DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.enums.WeightsFormat;

/**
 * The building blocks of every model on one branch (training or inference) of a {@link
 * NamedGraph}, with PyTorch's semantics and parameter layouts: convolution weights are stored
 * O x I x k... and permuted to SameDiff's layout inside the graph, linear weights are out x in,
 * batch norm is eps 1e-5 with momentum 0.1 (written from mean and variance ops, because SameDiff's
 * batchNorm op cannot be trained in 1.0.0-M2.1 and DL4J's layer rejects rank-5 input).
 */
final class Layers {
  static final double BN_EPS = 1e-5;

  final NamedGraph graph;
  final SameDiff sd;
  /** Training branch: batch statistics and dropout; otherwise running statistics, no dropout. */
  final boolean training;

  /** Weights become buffers (not trained, exported): for a momentum copy of an encoder. */
  final boolean weightsAsBuffers;

  /** Rows of the leading dimension per sample of the batch: 1, or the slices per volume for layers that run on slices. */
  final long rowsPerSample;

  Layers(NamedGraph graph, boolean training) {
    this(graph, training, false);
  }

  Layers(NamedGraph graph, boolean training, boolean weightsAsBuffers) {
    this(graph, training, weightsAsBuffers, 1);
  }

  private Layers(NamedGraph graph, boolean training, boolean weightsAsBuffers, long rowsPerSample) {
    this.graph = graph;
    this.sd = graph.sd;
    this.training = training;
    this.weightsAsBuffers = weightsAsBuffers;
    this.rowsPerSample = rowsPerSample;
  }

  /** The same layers for inputs with {@code rows} rows per sample (slices of a volume): dropout masks are drawn per row. */
  Layers withRowsPerSample(long rows) {
    return new Layers(graph, training, weightsAsBuffers, rows);
  }

  /** A weight of this branch: a parameter, or a buffer for a momentum copy. */
  SDVariable parameter(String name, Init kind, long fanIn, long... shape) {
    return weightsAsBuffers ? graph.buffer(name, kind, fanIn, shape) : graph.parameter(name, kind, fanIn, shape);
  }

  /** 3D convolution, NCDHW, cubic kernel, zero padding {@code padding}, optional bias. */
  SDVariable conv3d(String prefix, SDVariable x, long in, long out, int kernel, int stride, int padding, boolean bias) {
    return conv3d(prefix, x, in, out, kernel, stride, padding, bias, Init.HE);
  }

  /** The same, the weight (and, with {@link Init#TORCH_DEFAULT}, the bias) initialised as {@code init} says. */
  SDVariable conv3d(String prefix, SDVariable x, long in, long out, int kernel, int stride, int padding, boolean bias, Init init) {
    long fanIn = in * kernel * kernel * kernel;
    SDVariable w = parameter(prefix + ".weight", init, fanIn, out, in, kernel, kernel, kernel);
    Conv3DConfig config = Conv3DConfig.builder()
        .kD(kernel).kH(kernel).kW(kernel)
        .sD(stride).sH(stride).sW(stride)
        .pD(padding).pH(padding).pW(padding)
        .dD(1).dH(1).dW(1)
        .biasUsed(bias)
        .paddingMode(PaddingMode.VALID)
        .dataFormat(Conv3DConfig.NCDHW)
        .build();
    SDVariable kdhwio = w.permute(2, 3, 4, 1, 0); // SameDiff's conv3d takes [kD, kH, kW, in, out]
    if (bias) {
      SDVariable b = init == Init.TORCH_DEFAULT ? parameter(prefix + ".bias", init, fanIn, out) : parameter(prefix + ".bias", Init.ZEROS, 0, out);
      return sd.cnn().conv3d(x, kdhwio, b, config);
    }
    return sd.cnn().conv3d(x, kdhwio, config);
  }

  /** 2D convolution, NCHW, square kernel, weights stored O x I x kH x kW as PyTorch does. */
  SDVariable conv2d(String prefix, SDVariable x, long in, long out, int kernel, int stride, int padding, boolean bias) {
    return conv2d(prefix, x, in, out, kernel, stride, padding, bias, in * kernel * kernel);
  }

  /** The same, He-normal with this fan (a fan out, out x k x k, gives PyTorch's kaiming-normal fan_out). */
  SDVariable conv2d(String prefix, SDVariable x, long in, long out, int kernel, int stride, int padding, boolean bias, long fan) {
    SDVariable w = parameter(prefix + ".weight", Init.HE, fan, out, in, kernel, kernel);
    Conv2DConfig config = Conv2DConfig.builder()
        .kH(kernel).kW(kernel)
        .sH(stride).sW(stride)
        .pH(padding).pW(padding)
        .dH(1).dW(1)
        .paddingMode(PaddingMode.VALID)
        .dataFormat(Conv2DConfig.NCHW)
        .weightsFormat(WeightsFormat.YXIO)
        .build();
    // permuted in the graph: conv2d_bp in 1.0.0-M2.1 ignores WeightsFormat.OIYX and fails
    SDVariable yxio = w.permute(2, 3, 1, 0);
    if (bias) {
      SDVariable b = parameter(prefix + ".bias", Init.ZEROS, 0, out);
      return sd.cnn().conv2d(x, yxio, b, config);
    }
    return sd.cnn().conv2d(x, yxio, config);
  }

  /**
   * Batch norm over every axis but the channel axis 1 (any rank), as PyTorch's BatchNormNd:
   * training normalises with the batch's biased variance and records the batch statistics so the
   * model can update the running mean and (unbiased) variance after the step.
   */
  SDVariable batchNorm(String prefix, SDVariable x, long channels, int rank, long valuesPerSample) {
    long[] bcast = new long[rank];
    java.util.Arrays.fill(bcast, 1);
    bcast[1] = channels;
    int[] axes = new int[rank - 1];
    axes[0] = 0;
    for (int a = 2; a < rank; a++) {
      axes[a - 1] = a;
    }
    SDVariable gamma = parameter(prefix + ".weight", Init.ONES, 0, channels).reshape(bcast);
    SDVariable beta = parameter(prefix + ".bias", Init.ZEROS, 0, channels).reshape(bcast);
    SDVariable mean;
    SDVariable variance;
    if (training) {
      mean = x.mean(true, axes);
      SDVariable centred = x.sub(mean);
      variance = centred.mul(centred).mean(true, axes);
      graph.addBatchStats(prefix, sd.identity(graph.unique(prefix + ".batch_mean"), mean.reshape(channels)),
          sd.identity(graph.unique(prefix + ".batch_var"), variance.reshape(channels)), valuesPerSample);
      return centred.mul(variance.add(BN_EPS).pow(-0.5).mul(gamma)).add(beta);
    }
    mean = graph.buffer(prefix + ".running_mean", 0f, channels).reshape(bcast);
    variance = graph.buffer(prefix + ".running_var", 1f, channels).reshape(bcast);
    return x.sub(mean).mul(variance.add(BN_EPS).pow(-0.5).mul(gamma)).add(beta);
  }

  SDVariable relu(SDVariable x) {
    return sd.nn().relu(x, 0);
  }

  /**
   * A convolution of 2D slices written as 3D: kernel (k, k, 1), stride (s, s, 1), padding (p, p, 0),
   * no bias, on (N, C, H, W, S); weight O x I x k x k x 1, He normal with fan in I k k.
   */
  SDVariable sliceConv(String prefix, SDVariable x, long in, long out, int k, int stride, int padding) {
    SDVariable w = parameter(prefix + ".weight", Init.HE, in * k * k, out, in, k, k, 1);
    Conv3DConfig config = Conv3DConfig.builder()
        .kD(k).kH(k).kW(1)
        .sD(stride).sH(stride).sW(1)
        .pD(padding).pH(padding).pW(0)
        .dD(1).dH(1).dW(1)
        .biasUsed(false)
        .paddingMode(PaddingMode.VALID)
        .dataFormat(Conv3DConfig.NCDHW)
        .build();
    return sd.cnn().conv3d(x, w.permute(2, 3, 4, 1, 0), config);
  }

  /** Max or average pooling of 2D slices written as 3D: window (k, k, 1), stride (s, s, 1), padding (p, p, 0). */
  SDVariable slicePool(SDVariable x, boolean max, int k, int stride, int padding) {
    // libnd4j's pooling3d applies kH/sH/pH to the last axis and kW/sW/pW to the one before it
    // (measured in 1.0.0-M2.1; cubic windows never showed it): the slice axis gets the "H" settings
    Pooling3DConfig config = Pooling3DConfig.builder()
        .kD(k).kH(1).kW(k)
        .sD(stride).sH(1).sW(stride)
        .pD(padding).pH(0).pW(padding)
        .dD(1).dH(1).dW(1)
        .type(max ? Pooling3D.Pooling3DType.MAX : Pooling3D.Pooling3DType.AVG)
        .isSameMode(false)
        .isNCDHW(true)
        .build();
    return max ? sd.cnn().maxPooling3d(x, config) : sd.cnn().avgPooling3d(x, config);
  }

  /** Average pooling with a window of {@code k} (per axis D, H, W) and the same stride, no padding, NCDHW. */
  SDVariable avgPool3d(SDVariable x, int[] k) {
    // libnd4j's pooling3d applies kH to the last axis and kW to the one before it (see slicePool)
    Pooling3DConfig config = Pooling3DConfig.builder()
        .kD(k[0]).kH(k[2]).kW(k[1])
        .sD(k[0]).sH(k[2]).sW(k[1])
        .pD(0).pH(0).pW(0)
        .dD(1).dH(1).dW(1)
        .type(Pooling3D.Pooling3DType.AVG)
        .isSameMode(false)
        .isNCDHW(true)
        .build();
    return sd.cnn().avgPooling3d(x, config);
  }

  /** Max pooling 2x2x2, stride 2, NCDHW. */
  SDVariable maxPool3d(SDVariable x, int size) {
    Pooling3DConfig config = Pooling3DConfig.builder()
        .kD(size).kH(size).kW(size)
        .sD(size).sH(size).sW(size)
        .pD(0).pH(0).pW(0)
        .dD(1).dH(1).dW(1)
        .type(Pooling3D.Pooling3DType.MAX)
        .isSameMode(false)
        .isNCDHW(true)
        .build();
    return sd.cnn().maxPooling3d(x, config);
  }

  /** Average pooling, NCHW, window (kh, kw) with the same stride, no padding. */
  SDVariable avgPool2d(SDVariable x, int kh, int kw) {
    Pooling2DConfig config = Pooling2DConfig.builder()
        .kH(kh).kW(kw)
        .sH(kh).sW(kw)
        .pH(0).pW(0)
        .dH(1).dW(1)
        .type(Pooling2D.Pooling2DType.AVG)
        .paddingMode(PaddingMode.VALID)
        .isNHWC(false)
        .build();
    return sd.cnn().avgPooling2d(x, config);
  }

  /** Max pooling, NCHW, square window. */
  SDVariable maxPool2d(SDVariable x, int size, int stride, int padding) {
    Pooling2DConfig config = Pooling2DConfig.builder()
        .kH(size).kW(size)
        .sH(stride).sW(stride)
        .pH(padding).pW(padding)
        .dH(1).dW(1)
        .type(Pooling2D.Pooling2DType.MAX)
        .paddingMode(PaddingMode.VALID)
        .isNHWC(false)
        .build();
    return sd.cnn().maxPooling2d(x, config);
  }

  /** Records the head's input of the inference branch as the model's embedding (see {@code Model.embeddings}). */
  void embedding(SDVariable headInput) {
    if (!training) {
      graph.probe(Dl4jModel.EMBEDDING, headInput);
    }
  }

  /** y = x W^T + b over the last axis of a rank-2 input, W stored out x in; the bias is zero, or PyTorch's default with {@link Init#TORCH_DEFAULT}. */
  SDVariable linear(String prefix, SDVariable x, long in, long out, Init init) {
    return linear(prefix, x, in, out, init, in);
  }

  /** The same, the weight initialised as {@code init} says with this fan argument (the bias as before, from {@code in}). */
  SDVariable linear(String prefix, SDVariable x, long in, long out, Init init, long fan) {
    SDVariable w = parameter(prefix + ".weight", init, fan, out, in);
    SDVariable b = init == Init.TORCH_DEFAULT ? parameter(prefix + ".bias", init, in, out) : parameter(prefix + ".bias", Init.ZEROS, 0, out);
    return sd.mmul(x, w, false, true, false).add(b);
  }

  /** Inverted dropout with a mask the model draws (training branch only). */
  SDVariable dropout(SDVariable x, double rate, long... shapeWithoutBatch) {
    if (!training || rate <= 0) {
      return x;
    }
    return x.mul(graph.dropoutMask(rate, rowsPerSample, shapeWithoutBatch));
  }
}
