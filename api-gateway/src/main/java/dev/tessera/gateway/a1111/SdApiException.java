package dev.tessera.gateway.a1111;

import java.util.List;

/**
 * An error of the A1111-compatible API, answered in A1111's shapes by {@link SdApiErrors}: a
 * request field at fault as FastAPI's validation error (422, {@code detail} a list naming each
 * field's {@code loc}), anything else as A1111's own {@code {"error", "detail", "body", "errors"}}.
 */
public final class SdApiException extends RuntimeException {
  private final int status;
  private final String kind;
  private final List<SdApiError.Field> fields;

  private SdApiException(int status, String kind, String detail, List<SdApiError.Field> fields) {
    super(detail);
    this.status = status;
    this.kind = kind;
    this.fields = fields;
  }

  /** A 422 naming the request's field {@code field} (a top-level field, or a path into one). */
  static SdApiException invalid(String message, String... field) {
    return new SdApiException(422, null, message, List.of(SdApiError.Field.of(message, field)));
  }

  /** An HTTP error, as A1111 raises {@code HTTPException(status, detail)}. */
  static SdApiException http(int status, String detail) {
    return new SdApiException(status, "HTTPException", detail, List.of());
  }

  /** Another failure, named as A1111 names it by its Python exception type. */
  static SdApiException failure(int status, String kind, String detail) {
    return new SdApiException(status, kind, detail, List.of());
  }

  int status() {
    return status;
  }

  Object toError() {
    return fields.isEmpty()
        ? SdApiError.Http.of(status, kind, getMessage())
        : new SdApiError.Validation(fields);
  }
}
