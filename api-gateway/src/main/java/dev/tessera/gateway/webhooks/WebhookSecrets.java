package dev.tessera.gateway.webhooks;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Each tenant's webhook signing key: 32 random bytes, made the first time they are needed (the
 * secret is asked for, or a delivery is signed) and the same from then on. Shown as {@code whsec_}
 * and the base64 of the key, the form Standard Webhooks libraries take. Made here rather than in
 * the migration so that no extension (pgcrypto) is needed; two replicas making one at once both end
 * with the one stored first. Thread-safe.
 */
public final class WebhookSecrets {
  /** What a secret's text starts with. */
  public static final String PREFIX = "whsec_";

  static final int KEY_BYTES = 32;
  private static final int TIMEOUT_SECONDS = 10;

  private static final String SELECT = "SELECT webhook_secret FROM tenants WHERE id = ?";
  private static final String CREATE =
      "UPDATE tenants SET webhook_secret = ? WHERE id = ? AND webhook_secret IS NULL";

  private final DataSource dataSource;
  private final SecureRandom random;

  public WebhookSecrets(DataSource dataSource, SecureRandom random) {
    this.dataSource = dataSource;
    this.random = random;
  }

  /** {@code tenantId}'s secret as clients see it ({@code whsec_...}). */
  public String secret(UUID tenantId) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return format(key(connection, tenantId));
    }
  }

  /** The secret's text for {@code key}. */
  public static String format(byte[] key) {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * {@code tenantId}'s key, made now if it has none, on {@code connection} (in its transaction, if
   * one is open).
   *
   * @throws IllegalArgumentException when there is no such tenant
   */
  byte[] key(Connection connection, UUID tenantId) throws SQLException {
    byte[] key = stored(connection, tenantId);
    if (key != null) {
      return key;
    }
    byte[] made = new byte[KEY_BYTES];
    random.nextBytes(made);
    try (PreparedStatement create = connection.prepareStatement(CREATE)) {
      create.setQueryTimeout(TIMEOUT_SECONDS);
      create.setBytes(1, made);
      create.setObject(2, tenantId);
      create.executeUpdate();
    }
    // Ours, or the one another replica stored a moment earlier.
    key = stored(connection, tenantId);
    if (key == null) {
      throw new IllegalArgumentException("no tenant " + tenantId);
    }
    return key;
  }

  private static byte[] stored(Connection connection, UUID tenantId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setObject(1, tenantId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getBytes(1) : null;
      }
    }
  }
}
