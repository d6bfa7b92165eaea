package dev.tessera.gateway.openai;

import dev.tessera.gateway.compat.JobWatch;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** An error of the OpenAI-compatible API, answered in OpenAI's shape by {@link OpenAiErrors}. */
public final class OpenAiException extends RuntimeException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;

  private OpenAiException(int status, String type, String param, String code, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** A 400 about request parameter {@code param}. */
  static OpenAiException invalid(String param, String message) {
    return new OpenAiException(400, OpenAiError.INVALID_REQUEST, param, null, message);
  }

  /** A 404 for a model the farm does not have. */
  static OpenAiException noSuchModel(String model) {
    return new OpenAiException(
        404,
        OpenAiError.INVALID_REQUEST,
        null,
        "model_not_found",
        "The model '" + model + "' does not exist");
  }

  /** The jobs have not all ended within {@code timeout}; they go on rendering. */
  static OpenAiException timedOut(List<UUID> jobIds, Duration timeout) {
    return new OpenAiException(
        504, OpenAiError.SERVER_ERROR, null, "timeout", JobWatch.stillRendering(jobIds, timeout));
  }

  /** Jobs that failed or were cancelled, each with its reason. */
  static OpenAiException jobsFailed(String message) {
    return new OpenAiException(500, OpenAiError.SERVER_ERROR, null, null, message);
  }

  int status() {
    return status;
  }

  OpenAiError toError() {
    return new OpenAiError(new OpenAiError.Body(getMessage(), type, param, code));
  }
}
