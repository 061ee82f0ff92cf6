package org.brainbench.backend.djl;

/**
 * A 3D convolution computed directly from its definition in double precision, with its gradients:
 * what {@link ConvolutionProbe} (and the tests) hold the engine's convolutions against. Arrays are
 * row-major: x (N, C, D, H, W), w (O, C, kd, kh, kw), y (N, O, D', H', W').
 */
record DirectConvolution(int n, int in, int out, int[] size, int[] kernel, int[] stride, int[] padding) {
  int[] outSize() {
    int[] o = new int[3];
    for (int a = 0; a < 3; a++) {
      o[a] = (size[a] + 2 * padding[a] - kernel[a]) / stride[a] + 1;
    }
    return o;
  }

  /** y = conv(x, w); and, for the loss sum(y * g), the gradients dx and dw. */
  Result run(float[] x, float[] w, float[] g) {
    int[] o = outSize();
    double[] y = new double[n * out * o[0] * o[1] * o[2]];
    double[] dx = new double[x.length];
    double[] dw = new double[w.length];
    for (int b = 0; b < n; b++) {
      for (int f = 0; f < out; f++) {
        for (int z = 0; z < o[0]; z++) {
          for (int v = 0; v < o[1]; v++) {
            for (int u = 0; u < o[2]; u++) {
              int yi = (((b * out + f) * o[0] + z) * o[1] + v) * o[2] + u;
              double sum = 0;
              for (int c = 0; c < in; c++) {
                for (int kz = 0; kz < kernel[0]; kz++) {
                  int zz = z * stride[0] + kz - padding[0];
                  for (int kv = 0; kv < kernel[1]; kv++) {
                    int vv = v * stride[1] + kv - padding[1];
                    for (int ku = 0; ku < kernel[2]; ku++) {
                      int uu = u * stride[2] + ku - padding[2];
                      if (zz < 0 || vv < 0 || uu < 0 || zz >= size[0] || vv >= size[1] || uu >= size[2]) {
                        continue;
                      }
                      int xi = (((b * in + c) * size[0] + zz) * size[1] + vv) * size[2] + uu;
                      int wi = (((f * in + c) * kernel[0] + kz) * kernel[1] + kv) * kernel[2] + ku;
                      sum += (double) x[xi] * w[wi];
                      dx[xi] += (double) g[yi] * w[wi];
                      dw[wi] += (double) g[yi] * x[xi];
                    }
                  }
                }
              }
              y[yi] = sum;
            }
          }
        }
      }
    }
    return new Result(y, dx, dw);
  }

  record Result(double[] y, double[] dx, double[] dw) {}
}
