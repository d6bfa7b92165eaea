package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.teststack.NeedsStack;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Tenants and keys on real PostgreSQL: made once, shown once, stored only hashed, revoked for good.
 */
@NeedsStack
class TenantStoreTest {
  private final TenantStore tenants = new TenantStore(TestDatabase.dataSource());
  private final Sql sql = new Sql(TestDatabase.dataSource());

  private static String name(String base) {
    return base + "-" + Long.toString(System.nanoTime() % 100_000_000, 36);
  }

  @Test
  void aNewTenantsKeyFindsItAndOnlyItsHashIsStored() throws Exception {
    TenantStore.Created created = tenants.create(name("studio"), 3, 500, 5.5, false);
    String key = created.key();
    assertTrue(key.matches("tsk_[A-Za-z0-9_-]{43}"), key);
    Tenant found = tenants.findByKey(key).orElseThrow();
    assertEquals(created.tenant(), found);
    assertEquals(3, found.weight());
    assertEquals(500, found.maxQueued());
    assertFalse(found.operator());
    byte[] sha256 =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(key.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(
        1,
        sql.count(
            "SELECT count(*) FROM api_keys WHERE key_hash = ? AND prefix = ? AND tenant_id = ?",
            sha256,
            key.substring(0, 12),
            found.id()),
        "stored as its SHA-256 and its prefix, not as itself");
  }

  @Test
  void keysCanBeAddedAndRevoked() throws Exception {
    String tenant = name("team");
    String first = tenants.create(tenant, 1, 10, 1, false).key();
    String second = tenants.addKey(tenant);
    assertNotEquals(first, second);
    assertTrue(tenants.revokeKey(first.substring(0, 12)));
    assertFalse(tenants.revokeKey(first.substring(0, 12)), "already revoked");
    assertEquals(Optional.empty(), tenants.findByKey(first));
    assertTrue(tenants.findByKey(second).isPresent());
    assertEquals(java.util.List.of(second.substring(0, 12)), listing(tenant).keyPrefixes());
  }

  @Test
  void anOperatorIsFoundAndListedAsOne() throws Exception {
    String name = name("ops");
    TenantStore.Created created = tenants.create(name, 1, 10, 1, true);
    assertTrue(created.tenant().operator());
    assertEquals(created.tenant(), tenants.findByKey(created.key()).orElseThrow());
    assertTrue(listing(name).tenant().operator());
  }

  @Test
  void theListingCountsQueuedAndDispatchedJobsAsWaiting() throws Exception {
    String name = name("counted");
    Tenant tenant = tenants.create(name, 1, 10, 1, false).tenant();
    for (String state : java.util.List.of("QUEUED", "DISPATCHED", "DISPATCHED", "RUNNING")) {
      sql.update(
          """
          INSERT INTO jobs (id, tenant_id, model, settings, upscale, target_size, state, version,
                            attempt, created_at, updated_at)
          VALUES (?, ?, 'm', '{}', 'none', 512, ?, 0, 0, now(), now())""",
          java.util.UUID.randomUUID(),
          tenant.id(),
          state);
    }
    TenantStore.Listing listing = listing(name);
    assertEquals(3, listing.waiting());
    assertEquals(1, listing.running());
  }

  private TenantStore.Listing listing(String name) throws Exception {
    return tenants.list().stream()
        .filter(l -> l.tenant().name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void badNamesLimitsAndDuplicatesAreRefusedWithTheReason() throws Exception {
    String taken = name("taken");
    tenants.create(taken, 1, 1, 1, false);
    assertEquals(
        "a tenant named '" + taken + "' exists already",
        assertThrows(IllegalArgumentException.class, () -> tenants.create(taken, 1, 1, 1, false))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> tenants.create("Has Spaces", 1, 1, 1, false))
            .getMessage()
            .startsWith("tenant name:"));
    assertThrows(IllegalArgumentException.class, () -> tenants.create(name("w"), 0, 1, 1, false));
    assertThrows(IllegalArgumentException.class, () -> tenants.create(name("q"), 1, 0, 1, false));
    assertThrows(IllegalArgumentException.class, () -> tenants.create(name("r"), 1, 1, 0, false));
    assertThrows(IllegalArgumentException.class, () -> tenants.addKey("no-such-tenant"));
  }

  @Test
  void malformedOrUnknownKeysFindNothing() throws Exception {
    assertEquals(Optional.empty(), tenants.findByKey(null));
    assertEquals(Optional.empty(), tenants.findByKey("tsk_short"));
    assertEquals(Optional.empty(), tenants.findByKey("tsk_" + "B".repeat(43)));
  }
}
