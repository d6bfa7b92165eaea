package dev.tessera.gateway.api;

/**
 * A request body that is not one JSON object (empty, an array, or text after the object); answered
 * with a 400.
 */
public final class MalformedBodyException extends RuntimeException {
  static final String NOT_ONE_OBJECT =
      "the body must be one JSON object, such as {\"prompt\": \"a lighthouse\"}";

  public MalformedBodyException(String detail) {
    super(detail);
  }
}
