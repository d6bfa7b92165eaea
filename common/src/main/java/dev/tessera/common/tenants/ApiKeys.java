package dev.tessera.common.tenants;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The form of API keys: {@code tsk_} and 43 base64url characters (256 random bits). A key is shown
 * once, when made; only its SHA-256 is stored (a key of that entropy needs no slow hash), and its
 * first {@value #PREFIX_LENGTH} characters name it to operators.
 */
public final class ApiKeys {
  static final String SCHEME = "tsk_";
  static final int PREFIX_LENGTH = 12;
  private static final Pattern FORM = Pattern.compile("tsk_[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new random key. */
  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether {@code key} has the form of a key (checked before any lookup). */
  public static boolean wellFormed(String key) {
    return key != null && FORM.matcher(key).matches();
  }

  /** What is stored of a key. */
  static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** The part of a key that names it. */
  static String prefix(String key) {
    return key.substring(0, PREFIX_LENGTH);
  }
}
