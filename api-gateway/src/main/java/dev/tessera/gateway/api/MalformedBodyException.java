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
    return new MalformedBodyException(
        what + " is not valid JSON: " + e.getOriginalMessage() + where);
  }
}
