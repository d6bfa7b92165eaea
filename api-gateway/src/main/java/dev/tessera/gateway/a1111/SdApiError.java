package dev.tessera.gateway.a1111;

import java.util.ArrayList;
import java.util.List;

/** The bodies of the A1111-compatible API's error answers, in the shapes A1111 (FastAPI) sends. */
final class SdApiError {
  private SdApiError() {}

  /**
   * A1111's answer to an exception: its type, its detail, the body (empty) and {@code "<status>:
   * <detail>"}, as Starlette prints an {@code HTTPException}.
   */
  record Http(String error, String detail, String body, String errors) {
    static Http of(int status, String kind, String detail) {
      return new Http(kind, detail, "", status + ": " + detail);
    }
  }

  /** FastAPI's answer to a request that does not validate: each field at fault. */
  record Validation(List<Field> detail) {}

  /** One field at fault: where in the request ({@code ["body", "steps"]}), and why. */
  record Field(List<String> loc, String msg, String type) {
    static Field of(String msg, String... path) {
      List<String> loc = new ArrayList<>();
      loc.add("body");
      loc.addAll(List.of(path));
      return new Field(loc, msg, "value_error");
    }
  }
}
