package dev.tessera.gateway.watch;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A status answer's JSON body and its strong ETag: the first 128 bits of the body's SHA-256, so the
 * tag changes exactly when the body does.
 */
public record Tagged(byte[] body, String etag) {
  /** {@code body} with its tag. */
  public static Tagged of(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return new Tagged(
          body,
          '"'
              + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16))
              + '"');
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Whether {@code ifNoneMatch} (an {@code If-None-Match} header: {@code *} or a list of tags)
   * names this tag. As RFC 9110 asks for If-None-Match, the comparison is weak: {@code W/"x"}
   * matches.
   */
  public boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
