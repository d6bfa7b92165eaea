package dev.tessera.gateway.a1111;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How AUTOMATIC1111 clients name their tenant on {@code /sdapi/...}. A1111 protects its API with
 * HTTP Basic ({@code --api-auth user:password}), so its clients send that: the tenant's API key is
 * taken as the password (any user name). {@code Authorization: Bearer <key>}, as on {@code /v1},
 * works too.
 */
public final class SdApiCredentials {
  private static final String PREFIX = "/sdapi/";
  private static final String BEARER = "Bearer ";
  private static final String BASIC = "Basic ";

  /** The challenge a 401 on these paths carries, as A1111's. */
  public static final String CHALLENGE = "Basic realm=\"tessera\"";

  private SdApiCredentials() {}

  /** Whether {@code path} is A1111's API. */
  public static boolean covers(String path) {
    return path.startsWith(PREFIX);
  }

  /** The API key {@code authorization} carries, if it is a Bearer key or Basic credentials. */
  public static Optional<String> key(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.of(authorization.substring(BEARER.length()).trim());
    }
    if (authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      int colon = decoded.indexOf(':');
      return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
    }
    return Optional.empty();
  }
}
