package org.brainbench.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON configuration of the CLI: compact lines, NaN and infinities written and read as Python does. */
public final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      // Infinity / -Infinity as bare tokens, the way Python's json module writes and reads them
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      // and read back: an undefined metric (AUC of a one-class fold) is NaN in a row
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** One object as one line of JSON. */
  public static String line(ObjectMapper mapper, ObjectNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
