package dev.tessera.gateway.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code webhook-signature} header of Standard Webhooks: {@code v1,} and the base64
 * HMAC-SHA256, under the tenant's key, of {@code id.timestamp.body}. Signing the id and the
 * timestamp with the body lets a receiver refuse replays (an old timestamp) and duplicates (an id
 * it has seen). Pure; thread-safe.
 */
public final class WebhookSignature {
  private static final String HMAC = "HmacSHA256";

  private WebhookSignature() {}

  /**
   * The signature of one attempt.
   *
   * @param key the tenant's secret key (the bytes behind {@code whsec_})
   * @param id the delivery's {@code webhook-id}
   * @param timestamp the attempt's {@code webhook-timestamp}, Unix seconds
   * @param body the exact bytes sent
   */
  public static String sign(byte[] key, String id, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java runtime has HmacSHA256, and it takes a key of any length.
      throw new IllegalStateException("cannot compute HMAC-SHA256: " + e.getMessage(), e);
    }
  }
}
