package dev.tessera.gateway.openai;

/**
 * The body of every error answer of the OpenAI-compatible API, in OpenAI's shape: {@code {"error":
 * {"message", "type", "param", "code"}}}, {@code param} naming the request field at fault.
 */
public record OpenAiError(Body error) {
  static final String INVALID_REQUEST = "invalid_request_error";
  static final String SERVER_ERROR = "server_error";

  public record Body(String message, String type, String param, String code) {}
}
