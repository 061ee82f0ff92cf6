package org.brainbench.cli.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.harness.Json;
import org.brainbench.cli.Main;
import org.brainbench.tasks.nifti.NiftiHeader;
import org.brainbench.tasks.nifti.NiftiReader;
import org.brainbench.tasks.nifti.VoxelStatistics;
import org.brainbench.tasks.volume.Affine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code inspect FILE...}: one JSON object per line per image file (docs/data-formats.md, "inspect"). A file that cannot
 * be read gives {@code {"path":..., "error":...}}; the others are still inspected, and the exit code
 * is then 2.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = "Print header facts and voxel statistics of NIfTI files, one JSON line each.")
public final class InspectCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "NIfTI files (.nii, .nii.gz, .hdr/.img pairs)")
  List<Path> files;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ObjectMapper json = Json.mapper();
    boolean failed = false;
    for (Path file : files) {
      ObjectNode row;
      try {
        row = inspect(file, json);
      } catch (IOException e) {
        failed = true;
        row = json.createObjectNode().put("path", file.toString()).put("error", errorText(file, e));
      }
      spec.commandLine().getOut().println(Json.line(json, row));
    }
    spec.commandLine().getOut().flush();
    return failed ? Main.EXIT_BAD_INPUT : Main.EXIT_OK;
  }

  static ObjectNode inspect(Path file, ObjectMapper json) throws IOException {
    NiftiHeader h = NiftiReader.readHeader(file);
    VoxelStatistics stats = NiftiReader.statistics(file);
    ObjectNode row = json.createObjectNode();
    row.put("path", file.toString());
    row.put("format", h.format().id());
    ArrayNode shape = row.putArray("shape");
    for (long d : h.shape()) {
      shape.add(d);
    }
    ArrayNode spacing = row.putArray("spacing");
    for (double s : h.spacing()) {
      spacing.add(s);
    }
    row.put("datatype", h.datatype().id());
    putNumber(row, "sclSlope", h.sclSlope());
    putNumber(row, "sclInter", h.sclInter());
    ArrayNode affine = row.putArray("affine");
    Affine a = h.affine();
    for (int r = 0; r < 4; r++) {
      ArrayNode rowNode = affine.addArray();
      for (int c = 0; c < 4; c++) {
        rowNode.add(a.get(r, c) + 0.0); // + 0.0 turns -0.0 into 0.0
      }
    }
    putNumber(row, "min", stats.min());
    putNumber(row, "max", stats.max());
    putNumber(row, "mean", stats.mean());
    row.put("nanCount", stats.nanCount());
    return row;
  }

  private static void putNumber(ObjectNode row, String key, double v) {
    if (Double.isNaN(v)) {
      row.putNull(key);
    } else {
      row.put(key, v);
    }
  }

  private static String errorText(Path file, IOException e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    String prefix = file + ": ";
    return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
  }
}
