package org.brainbench.api.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.tasks.io.AtomicFiles;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to its dtype, shape and byte range, optional {@code __metadata__}
 * strings, then the raw little-endian data. brainbench writes F32 and reads F32, F64, F16, BF16 and
 * the integer I64/I32 (all converted to float32; integer tensors are counters such as batch norm's
 * {@code num_batches_tracked}), so checkpoints from PyTorch, timm and torchvision load directly.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private Safetensors() {}

  /** Tensors and metadata of a file. */
  public record Contents(List<Tensor> tensors, Map<String, String> metadata) {
    public Map<String, Tensor> byName() {
      Map<String, Tensor> out = new LinkedHashMap<>();
      tensors.forEach(t -> out.put(t.name(), t));
      return out;
    }
  }

  /** Writes tensors (in the given order) atomically. */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Tensor t : tensors) {
      if (header.has(t.name())) {
        throw new IllegalArgumentException("duplicate tensor name " + t.name());
      }
      ObjectNode entry = header.putObject(t.name());
      entry.put("dtype", "F32");
      var shape = entry.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      long bytes = 4L * t.data().length;
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to 8 bytes
    byte[] head = new byte[padded];
    java.util.Arrays.fill(head, (byte) ' ');
    System.arraycopy(json, 0, head, 0, json.length);
    AtomicFiles.write(file, out -> {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(head);
      for (Tensor t : tensors) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data());
        out.write(b.array());
      }
    });
  }

  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new IOException(file + ": not a safetensors file (" + size + " bytes)");
      }
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long headerLength = len.getLong(0);
      if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > size) {
        throw new IOException(file + ": not a safetensors file (header length " + headerLength + ")");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(ch, headerBytes, 8);
      JsonNode header;
      try {
        header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException(file + ": safetensors header is not JSON: " + e.getMessage());
      }
      long dataStart = 8 + headerLength;
      Map<String, String> metadata = new LinkedHashMap<>();
      List<Tensor> tensors = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.add(tensor(file, ch, e.getKey(), e.getValue(), dataStart, size));
      }
      return new Contents(tensors, metadata);
    }
  }

  private static Tensor tensor(Path file, FileChannel ch, String name, JsonNode entry, long dataStart, long size) throws IOException {
    String dtype = entry.path("dtype").asText();
    JsonNode shapeNode = entry.path("shape");
    JsonNode offsets = entry.path("data_offsets");
    if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new IOException(file + ": tensor " + name + " has no shape or data_offsets");
    }
    long[] shape = new long[shapeNode.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
      n = Math.multiplyExact(n, shape[i]);
    }
    int width = switch (dtype) {
      case "F32" -> 4;
      case "F64" -> 8;
      case "F16", "BF16" -> 2;
      case "I64" -> 8;
      case "I32" -> 4;
      default -> throw new IOException(file + ": tensor " + name + " has dtype " + dtype + "; brainbench reads F32, F64, F16, BF16, I64, I32");
    };
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (end - begin != n * width || begin < 0 || dataStart + end > size || n > Integer.MAX_VALUE) {
      throw new IOException(file + ": tensor " + name + " byte range [" + begin + ", " + end + ") does not fit its shape or the file");
    }
    ByteBuffer raw = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, raw, dataStart + begin);
    raw.flip();
    float[] data = new float[(int) n];
    switch (dtype) {
      case "F32" -> raw.asFloatBuffer().get(data);
      case "F64" -> {
        for (int i = 0; i < n; i++) {
          data[i] = (float) raw.getDouble(8 * i);
        }
      }
      case "I64" -> {
        for (int i = 0; i < n; i++) {
          data[i] = raw.getLong(8 * i);
        }
      }
      case "I32" -> {
        for (int i = 0; i < n; i++) {
          data[i] = raw.getInt(4 * i);
        }
      }
      case "F16" -> {
        for (int i = 0; i < n; i++) {
          data[i] = org.brainbench.tasks.io.Float16.toFloat(raw.getShort(2 * i));
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          data[i] = Float.intBitsToFloat((raw.getShort(2 * i) & 0xFFFF) << 16);
        }
      }
    }
    return new Tensor(name, shape, data);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }

  /** Whether a file starts like a safetensors file (for error messages). */
  public static boolean looksLike(Path file) {
    try {
      return Files.size(file) >= 8;
    } catch (IOException e) {
      return false;
    }
  }
}
