package dev.tessera.gateway.idempotency;

import dev.tessera.common.tenants.Tenant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The {@code Idempotency-Key} of submissions (draft-ietf-httpapi-idempotency-key-header), per
 * tenant, kept {@link #KEPT}: a request claims its key before it runs; its answer is stored in the
 * transaction that writes its jobs, so a retry with the same key and the same request replays that
 * answer and creates nothing. The same key with another request is refused (422), and so is a retry
 * while the first is still in flight (409). A request that fails releases its key. A claim names
 * the gateway that made it ({@link GatewayPresence}); once that gateway is gone (its process died
 * before its request answered) the claim is taken over at once, and one that names no gateway after
 * {@link #ABANDONED}. Thread-safe.
 */
public final class IdempotencyKeys {
  /** How long a key and its answer are kept. */
  public static final Duration KEPT = Duration.ofHours(24);

  /** An in-flight claim naming no gateway and older than this belongs to a request that died. */
  static final Duration ABANDONED = Duration.ofMinutes(5);

  private static final int TIMEOUT_SECONDS = 10;

  /** What a request learns when it claims its key. */
  public sealed interface Claim permits Claimed, Replay, InFlight, Mismatch {}

  /** The key is this request's: run it, and complete or release the claim. */
  public record Claimed(Tenant tenant, String key) implements Claim {}

  /** The key's first request answered this; answer it again. */
  public record Replay(Answer answer) implements Claim {}

  /** The key's first request is still running. */
  public record InFlight() implements Claim {}

  /** The key was used for another request. */
  public record Mismatch() implements Claim {}

  /** An answer as stored: status, Location header (or null) and JSON body. */
  public record Answer(int status, String location, byte[] body) {}

  // A claim whose gateway no longer holds its presence lock died with it.
  private static final String EXPIRE =
      """
      DELETE FROM idempotency_keys WHERE tenant_id = ? AND (created_at < now() - ?::interval
          OR key = ? AND status IS NULL AND (created_at < now() - ?::interval
              OR claimed_by IS NOT NULL AND NOT EXISTS (
                  SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
                      AND l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = claimed_by)))""";

  private final DataSource dataSource;
  private final GatewayPresence presence;

  public IdempotencyKeys(DataSource dataSource, GatewayPresence presence) {
    this.dataSource = dataSource;
    this.presence = presence;
  }

  /**
   * The fingerprint of a request: the method, the path and the request as parsed (so whitespace and
   * field order in the body do not matter).
   */
  public static byte[] fingerprint(String method, String path, byte[] canonicalRequest) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
      return sha.digest(canonicalRequest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Claims {@code key} for a request with {@code fingerprint}, or says why it cannot run. */
  public Claim claim(Tenant tenant, String key, byte[] fingerprint) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      // Expired keys of this tenant go first, and an abandoned claim of this key with them.
      try (PreparedStatement expire = c.prepareStatement(EXPIRE)) {
        expire.setQueryTimeout(TIMEOUT_SECONDS);
        expire.setObject(1, tenant.id());
        expire.setString(2, KEPT.toSeconds() + " seconds");
        expire.setString(3, key);
        expire.setString(4, ABANDONED.toSeconds() + " seconds");
        expire.executeUpdate();
      }
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO idempotency_keys (tenant_id, key, fingerprint, claimed_by)"
                  + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        insert.setQueryTimeout(TIMEOUT_SECONDS);
        insert.setObject(1, tenant.id());
        insert.setString(2, key);
        insert.setBytes(3, fingerprint);
        OptionalLong claimant = presence.key();
        if (claimant.isPresent()) {
          insert.setLong(4, claimant.getAsLong());
        } else {
          insert.setNull(4, Types.BIGINT);
        }
        if (insert.executeUpdate() == 1) {
          return new Claimed(tenant, key);
        }
      }
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT fingerprint, status, location, body FROM idempotency_keys"
                  + " WHERE tenant_id = ? AND key = ?")) {
        select.setQueryTimeout(TIMEOUT_SECONDS);
        select.setObject(1, tenant.id());
        select.setString(2, key);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            // Released between our insert and this read: the caller may simply try again.
            return new InFlight();
          }
          if (!Arrays.equals(row.getBytes(1), fingerprint)) {
            return new Mismatch();
          }
          int status = row.getInt(2);
          return row.wasNull()
              ? new InFlight()
              : new Replay(new Answer(status, row.getString(3), row.getBytes(4)));
        }
      }
    }
  }

  /**
   * Stores the answer of {@code claim}, in the caller's transaction (the one that writes the jobs).
   */
  public void complete(Connection c, Claimed claim, Answer answer) throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE idempotency_keys SET status = ?, location = ?, body = ?"
                + " WHERE tenant_id = ? AND key = ? AND status IS NULL")) {
      update.setQueryTimeout(TIMEOUT_SECONDS);
      update.setInt(1, answer.status());
      update.setString(2, answer.location());
      update.setBytes(3, answer.body());
      update.setObject(4, claim.tenant().id());
      update.setString(5, claim.key());
      if (update.executeUpdate() != 1) {
        throw new SQLException(
            "idempotency key " + claim.key() + " was taken over while its request ran", "40001");
      }
    }
  }

  /** Frees the key of a request that failed, so that a retry runs anew. */
  public void release(Claimed claim) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement delete =
            c.prepareStatement(
                "DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND status IS NULL")) {
      delete.setQueryTimeout(TIMEOUT_SECONDS);
      delete.setObject(1, claim.tenant().id());
      delete.setString(2, claim.key());
      delete.executeUpdate();
    }
  }
}
