package org.brainbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.brainbench.tasks.nifti.NiftiImage;
import org.brainbench.tasks.nifti.NiftiReader;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.preprocess.PreprocessSpec;
import org.brainbench.tasks.preprocess.Preprocessor;
import org.brainbench.tasks.volume.Volume;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * NIfTI decoding and decode+preprocess (reorient, trilinear resample to 96x112x96, clip to the
 * 0.5-99.5 percentiles, z-score) on realistic files ({@link NiftiFiles}: the Colin27 brain at 1 mm,
 * 181x217x181, uint8 and float32, gzipped and not). Decoded
 * MB/s = (181*217*181*4 bytes of float32 output) / time per operation; the summary prints it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NiftiDecodeBenchmark {
  @Param({"uint8.nii", "uint8.nii.gz", "float32.nii", "float32.nii.gz"})
  public String file;

  private Path dir;
  private Path path;
  private PreprocessSpec preprocess;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("bench-nifti");
    path = NiftiFiles.write(dir, file);
    preprocess = PreprocessSpec.toShape(NiftiFiles.PREPROCESS_SHAPE);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(path);
    Files.deleteIfExists(dir);
  }

  @Benchmark
  public NiftiImage decode() throws IOException {
    return NiftiReader.read(path);
  }

  @Benchmark
  public Volume decodeAndPreprocess() throws IOException {
    return Preprocessor.image(NiftiVolumes.read(path), preprocess);
  }
}
