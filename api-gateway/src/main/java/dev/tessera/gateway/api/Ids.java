package dev.tessera.gateway.api;

import jakarta.ws.rs.BadRequestException;
import java.util.UUID;
import java.util.regex.Pattern;

/** Ids in paths and query parameters: UUIDs in their canonical form only. */
public final class Ids {
  private static final Pattern CANONICAL_UUID =
      Pattern.compile(
          "\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

  static final String EXAMPLE = "0b5c1a8e-2f4d-4c3a-9a7e-1d2c3b4a5f60";

  private Ids() {}

  /** Whether {@code text} is a UUID in canonical form. */
  static boolean canonical(String text) {
    // UUID.fromString alone would also take short forms such as 1-2-3-4-5.
    return CANONICAL_UUID.matcher(text).matches();
  }

  /**
   * The UUID {@code text} in a path names.
   *
   * @throws BadRequestException naming {@code what} ("a job id") when it is not one
   */
  public static UUID inPath(String text, String what) {
    if (!canonical(text)) {
      throw new BadRequestException(what + " is a UUID such as " + EXAMPLE);
    }
    return UUID.fromString(text);
  }
}
