package dev.tessera.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The one JSON form of every message and stored payload: snake_case names (nested records too),
 * instants as ISO-8601 text, unknown properties ignored so that an older reader accepts a newer
 * writer's messages. Thread-safe.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private Json() {}

  /**
   * A message or payload that cannot be read as the type asked for; the message says what is wrong
   * and where.
   */
  public static final class MalformedException extends IllegalArgumentException {
    MalformedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** UTF-8 JSON of {@code value}. */
  public static byte[] encode(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      // Only a type that is not a plain record or value gets here: a programming error, not bad
      // input.
      throw new IllegalArgumentException(
          "cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads {@code json} as a {@code type}.
   *
   * @throws MalformedException when it is not JSON, lacks a required field, or has a field of the
   *     wrong kind
   */
  public static <T> T decode(byte[] json, Class<T> type) {
    if (json == null) {
      throw new MalformedException("cannot read " + type.getSimpleName() + ": no content", null);
    }
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new MalformedException("cannot read " + type.getSimpleName() + ": " + describe(e), e);
    } catch (IOException e) {
      throw new MalformedException(
          "cannot read " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  // Jackson's own message drags the whole source snippet along; keep the reason, and the field path
  // if any.
  private static String describe(JsonProcessingException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String reason =
        root instanceof JsonProcessingException j ? j.getOriginalMessage() : root.getMessage();
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return reason + " (at " + path(m) + ")";
    }
    return reason;
  }

  private static String path(JsonMappingException m) {
    StringBuilder out = new StringBuilder();
    for (var ref : m.getPath()) {
      if (ref.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
