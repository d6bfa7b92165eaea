package dev.tessera.gateway.compat;

import dev.tessera.common.tenants.TenantStore;
import java.sql.SQLException;
import java.util.UUID;

/** Tenants of their own for tests whose jobs a {@link FakeFarm} moves, away from other tests'. */
public final class TestTenants {
  private TestTenants() {}

  /** A new tenant with a generous rate, at most {@code maxQueued} jobs waiting. */
  public static TenantStore.Created create(TenantStore tenants, String prefix, int maxQueued)
      throws SQLException {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return tenants.create(name, 1, maxQueued, 1_000, false);
  }
}
