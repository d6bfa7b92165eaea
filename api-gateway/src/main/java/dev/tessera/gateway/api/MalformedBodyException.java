package dev.tessera.gateway.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

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

  /**
   * Jackson's reason, when it speaks of the text; its data-binding reasons name Java types and
   * Jackson's settings (a trailing token is "bound as" a class, "not allowed as per"
   * DeserializationFeature...), which say nothing to a client and too much about the gateway.
   */
  static String reason(JsonProcessingException e) {
    String reason = String.valueOf(e.getOriginalMessage());
    if (reason.startsWith("Trailing token")) {
      return "more text follows the JSON value";
    }
    return JAVA_NAMES.matcher(reason).find() ? "not a JSON value of the expected kind" : reason;
  }

  /** A qualified Java name, or a Jackson setting (upper case with underscores) in backticks. */
  private static final Pattern JAVA_NAMES =
      Pattern.compile("\\b[a-z]\\w*\\.[a-z]\\w*\\.[\\w.$]+|DeserializationFeature|`[A-Z_]+`");
}
