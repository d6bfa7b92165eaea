package dev.tessera.gateway.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A request body that is not one JSON object (empty, an array, or text after the object), or a
 * batch line that is not; answered with a 400.
 */
public final class MalformedBodyException extends RuntimeException {
  static final String NOT_ONE_OBJECT =
      "the body must be one JSON object, such as {\"prompt\": \"a lighthouse\"}";

  public MalformedBodyException(String detail) {
    super(detail);
  }

  /**
   * {@code what} (e.g. "the body", "line 17") is not JSON: Jackson's own reason (e.g. "Unexpected
   * character ...") and where, without its source excerpt or class names.
   *
   * @param withLine whether to name the line too (not for text that is one line)
   */
  public static MalformedBodyException notJson(
      String what, JsonProcessingException e, boolean withLine) {
    JsonLocation at = e.getLocation();
    String where =
        at == null
            ? ""
            : withLine
                ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"
                : " (column " + at.getColumnNr() + ")";
    return new MalformedBodyException(what + " is not valid JSON: " + reason(e) + where);
  }

  /** Jackson's reason, without the Java types some of its messages name. */
  static String reason(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    if (reason.startsWith("Trailing token")) {
      // "Trailing token (...) found after value (bound as `com.fasterxml...JsonNode`): ..."
      return "more text follows the JSON value";
    }
    return reason.replaceAll("`[A-Za-z_$][\\w$]*(?:\\.[\\w$]+)+`", "a value");
  }
}
