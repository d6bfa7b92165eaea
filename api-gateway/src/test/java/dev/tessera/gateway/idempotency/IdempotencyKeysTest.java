package dev.tessera.gateway.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may take over an in-flight claim, on real PostgreSQL: nobody while the gateway that made it
 * runs; anyone at once when that gateway is gone (closed, or its session killed); a claim naming no
 * gateway only after {@link IdempotencyKeys#ABANDONED}.
 */
class IdempotencyKeysTest {
  private static final byte[] FINGERPRINT =
      IdempotencyKeys.fingerprint(
          "POST", "/v1/jobs", "{\"prompt\":\"a harbour\"}".getBytes(StandardCharsets.UTF_8));

  private final DataSource dataSource = TestDatabase.dataSource();
  private final Sql sql = new Sql(dataSource);
  private Tenant tenant;
  private String key;

  @BeforeEach
  void newTenant() throws Exception {
    tenant =
        new TenantStore(dataSource)
            .create("idem-" + System.nanoTime() % 1_000_000_000L, 1, 1000, 10, false)
            .tenant();
    key = UUID.randomUUID().toString();
  }

  private GatewayPresence presence() {
    return new GatewayPresence(dataSource::getConnection);
  }

  @Test
  void aClaimIsInFlightWhileItsGatewayRunsAndFreeOnceItIsGone() throws Exception {
    try (GatewayPresence first = presence();
        GatewayPresence second = presence()) {
      IdempotencyKeys a = new IdempotencyKeys(dataSource, first);
      IdempotencyKeys b = new IdempotencyKeys(dataSource, second);
      assertInstanceOf(IdempotencyKeys.Claimed.class, a.claim(tenant, key, FINGERPRINT));
      assertInstanceOf(
          IdempotencyKeys.InFlight.class, b.claim(tenant, key, FINGERPRINT), "its gateway runs");

      first.close();
      assertInstanceOf(
          IdempotencyKeys.Claimed.class,
          b.claim(tenant, key, FINGERPRINT),
          "its gateway is gone: taken over at once");
      assertEquals(
          second.key().getAsLong(),
          sql.row("SELECT claimed_by FROM idempotency_keys WHERE key = ?", key).get("claimed_by"));
    }
  }

  @Test
  void aClaimWhoseGatewaySessionWasKilledIsTakenOver() throws Exception {
    try (GatewayPresence first = presence();
        GatewayPresence second = presence()) {
      IdempotencyKeys a = new IdempotencyKeys(dataSource, first);
      IdempotencyKeys b = new IdempotencyKeys(dataSource, second);
      assertInstanceOf(IdempotencyKeys.Claimed.class, a.claim(tenant, key, FINGERPRINT));
      // As when the gateway's process dies: its session ends without a word.
      sql.rows(
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
              + " AND ((classid::bigint << 32) | objid::bigint) = ?",
          first.key().getAsLong());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      IdempotencyKeys.Claim claim;
      do {
        claim = b.claim(tenant, key, FINGERPRINT);
      } while (claim instanceof IdempotencyKeys.InFlight && System.nanoTime() < deadline);
      assertInstanceOf(IdempotencyKeys.Claimed.class, claim);
    }
  }

  @Test
  void aClaimNamingNoGatewayIsTakenOverOnlyOnceAbandoned() throws Exception {
    sql.update(
        "INSERT INTO idempotency_keys (tenant_id, key, fingerprint) VALUES (?, ?, ?)",
        tenant.id(),
        key,
        FINGERPRINT);
    try (GatewayPresence presence = presence()) {
      IdempotencyKeys keys = new IdempotencyKeys(dataSource, presence);
      assertInstanceOf(IdempotencyKeys.InFlight.class, keys.claim(tenant, key, FINGERPRINT));
      sql.update(
          "UPDATE idempotency_keys SET created_at = now() - ?::interval WHERE key = ?",
          (IdempotencyKeys.ABANDONED.toSeconds() + 1) + " seconds",
          key);
      assertInstanceOf(IdempotencyKeys.Claimed.class, keys.claim(tenant, key, FINGERPRINT));
    }
  }

  @Test
  void aClosedPresenceIsNotUsedAgain() {
    GatewayPresence presence = presence();
    presence.close();
    assertThrows(IllegalStateException.class, presence::key);
  }
}
