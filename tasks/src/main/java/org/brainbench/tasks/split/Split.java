package org.brainbench.tasks.split;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.brainbench.tasks.dataset.Dataset;
import org.brainbench.tasks.dataset.Scan;

/**
 * A subject-level split: every subject is in exactly one partition, so every scan (session) of a
 * subject lands in the same partition and nothing leaks between training and test.
 */
public record Split(SortedMap<String, Partition> assignment) {
  public Split {
    assignment = Collections.unmodifiableSortedMap(new TreeMap<>(assignment));
  }

  public static Split of(Map<String, Partition> assignment) {
    return new Split(new TreeMap<>(assignment));
  }

  public Partition partitionOf(String subjectId) {
    return assignment.get(subjectId);
  }

  /** Subject ids in a partition, sorted. */
  public List<String> subjects(Partition partition) {
    List<String> out = new ArrayList<>();
    assignment.forEach((s, p) -> {
      if (p == partition) {
        out.add(s);
      }
    });
    return out;
  }

  public int count(Partition partition) {
    return subjects(partition).size();
  }

  /**
   * The scans of a dataset in a partition, in dataset order.
   *
   * @throws IllegalArgumentException if a subject of the dataset is not in this split
   */
  public List<Scan> scans(Dataset dataset, Partition partition) {
    List<Scan> out = new ArrayList<>();
    for (Scan s : dataset.scans()) {
      Partition p = assignment.get(s.subjectId());
      if (p == null) {
        throw new IllegalArgumentException("subject " + s.subjectId() + " of dataset " + dataset.name() + " is not in the split");
      }
      if (p == partition) {
        out.add(s);
      }
    }
    return out;
  }

  /** The canonical text: one {@code subject_id<TAB>partition} line per subject, sorted by id. */
  public String toTsv() {
    StringBuilder b = new StringBuilder("subject_id\tpartition\n");
    assignment.forEach((s, p) -> b.append(s).append('\t').append(p.id()).append('\n'));
    return b.toString();
  }

  /** SHA-256 of {@link #toTsv()}, hex: equal splits have equal hashes on every machine. */
  public String hash() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(toTsv().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
