package org.brainbench.harness.suite;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML node with its path in the document ({@code tasks[2].split.folds}), so every error can say
 * where it is. Problems go to a shared list; readers carry on after one, so a suite's problems are
 * reported together. Getters return null (after recording a problem) when a value is wrong.
 */
final class Node {
  private final JsonNode node;
  private final String path;
  private final List<String> problems;

  Node(JsonNode node, String path, List<String> problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  JsonNode raw() {
    return node;
  }

  boolean isMissing() {
    return node == null || node.isMissingNode() || node.isNull();
  }

  void problem(String message) {
    problems.add((path.isEmpty() ? "" : path + ": ") + message);
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The child at a key (possibly missing). */
  Node get(String key) {
    return new Node(node == null ? null : node.get(key), childPath(key), problems);
  }

  boolean has(String key) {
    return node != null && node.has(key) && !node.get(key).isNull();
  }

  /** Records a problem for every key that is not allowed here; true if all are known. */
  boolean allowOnly(Set<String> keys) {
    if (isMissing()) {
      return true;
    }
    if (!node.isObject()) {
      problem("must be a mapping (key: value), got " + kind());
      return false;
    }
    boolean ok = true;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!keys.contains(key)) {
        problems.add(childPath(key) + ": unknown key; allowed here: " + new TreeSet<>(keys));
        ok = false;
      }
    }
    return ok;
  }

  boolean isObject() {
    if (isMissing() || !node.isObject()) {
      problem(isMissing() ? "is required" : "must be a mapping (key: value), got " + kind());
      return false;
    }
    return true;
  }

  /** The entries of a mapping, in document order. */
  Map<String, Node> entries() {
    Map<String, Node> out = new LinkedHashMap<>();
    if (!isMissing() && node.isObject()) {
      node.fields().forEachRemaining(e -> out.put(e.getKey(), new Node(e.getValue(), childPath(e.getKey()), problems)));
    }
    return out;
  }

  /** The items of a list; a single value counts as a list of one. */
  List<Node> items() {
    List<Node> out = new ArrayList<>();
    if (isMissing()) {
      return out;
    }
    if (!node.isArray()) {
      out.add(this);
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      out.add(new Node(node.get(i), path + "[" + i + "]", problems));
    }
    return out;
  }

  String string(String fallback) {
    if (isMissing()) {
      return fallback;
    }
    if (!node.isValueNode() || node.isBoolean()) {
      problem("must be text, got " + kind());
      return null;
    }
    return node.asText();
  }

  String requiredString() {
    if (isMissing()) {
      problem("is required");
      return null;
    }
    String s = string(null);
    if (s != null && s.isBlank()) {
      problem("must not be empty");
      return null;
    }
    return s;
  }

  /** A number written as text (YAML 1.1 reads {@code 1e-3} as a string): its value, or null. */
  private Double numericText() {
    if (node == null || !node.isTextual()) {
      return null;
    }
    try {
      return Double.parseDouble(node.asText().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  Long integer(Long fallback, long min, long max) {
    if (isMissing()) {
      return fallback;
    }
    Double text = numericText();
    if (text != null && text == Math.rint(text) && Math.abs(text) < 9e15) {
      long v = text.longValue();
      if (v < min || v > max) {
        problem(range(min, max) + ", got " + v);
        return null;
      }
      return v;
    }
    if (!node.isIntegralNumber()) {
      problem("must be a whole number, got " + describe());
      return null;
    }
    long v = node.asLong();
    if (v < min || v > max) {
      problem(range(min, max) + ", got " + v);
      return null;
    }
    return v;
  }

  Double number(Double fallback, double min, double max, boolean minExclusive) {
    if (isMissing()) {
      return fallback;
    }
    Double text = numericText();
    if (!node.isNumber() && text == null) {
      problem("must be a number, got " + describe());
      return null;
    }
    double v = text != null ? text : node.asDouble();
    if (!Double.isFinite(v) || v < min || v > max || (minExclusive && v == min)) {
      problem("must be " + (minExclusive ? "> " + fmt(min) : ">= " + fmt(min)) + (max < Double.MAX_VALUE ? " and <= " + fmt(max) : "") + ", got " + fmt(v));
      return null;
    }
    return v;
  }

  Boolean bool(Boolean fallback) {
    if (isMissing()) {
      return fallback;
    }
    if (!node.isBoolean()) {
      problem("must be true or false, got " + describe());
      return null;
    }
    return node.asBoolean();
  }

  /** One of the given words. */
  String choice(String fallback, List<String> allowed) {
    String s = string(fallback);
    if (s != null && !allowed.contains(s)) {
      problem("must be one of " + allowed + ", got \"" + s + "\"");
      return null;
    }
    return s;
  }

  /** Three sizes: one number for all axes, or a list of three. */
  double[] triple(double min, boolean minExclusive) {
    if (isMissing()) {
      return null;
    }
    List<Node> items = items();
    if (items.size() != 1 && items.size() != 3) {
      problem("must be one number or a list of three, got " + items.size());
      return null;
    }
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      Double v = items.get(items.size() == 1 ? 0 : i).number(null, min, Double.MAX_VALUE, minExclusive);
      if (v == null) {
        return null;
      }
      out[i] = v;
    }
    return out;
  }

  int[] intTriple(long min, long max) {
    if (isMissing()) {
      return null;
    }
    List<Node> items = items();
    if (items.size() != 1 && items.size() != 3) {
      problem("must be one whole number or a list of three, got " + items.size());
      return null;
    }
    int[] out = new int[3];
    for (int i = 0; i < 3; i++) {
      Long v = items.get(items.size() == 1 ? 0 : i).integer(null, min, max);
      if (v == null) {
        return null;
      }
      out[i] = v.intValue();
    }
    return out;
  }

  String kind() {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      return "text \"" + node.asText() + "\"";
    }
    if (node.isBoolean()) {
      return node.asText();
    }
    if (node.isNull()) {
      return "null";
    }
    return node.asText();
  }

  private String describe() {
    return kind();
  }

  private static String range(long min, long max) {
    if (max == Long.MAX_VALUE) {
      return "must be >= " + min;
    }
    return "must be in [" + min + ", " + max + "]";
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
