package dev.tessera.gateway.auth;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.cache.ChangeCache;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The tenant of each API key, as {@link TenantStore#findByKey} finds it, kept in memory so that a
 * request costs no query for its key. Every key is forgotten whenever the database announces a
 * change of keys or tenants (migration V10), so a revoked key or a tenant's new limits take effect
 * at once; unknown keys are never kept, so a new key works at once too. Thread-safe.
 */
public final class TenantKeys {
  private final TenantStore store;
  private final ChangeCache<String, Tenant> kept;

  public TenantKeys(TenantStore store, ChangeCache<String, Tenant> kept) {
    this.store = store;
    this.kept = kept;
  }

  /** The tenant an active key belongs to; empty for a malformed, unknown or revoked key. */
  public Optional<Tenant> find(String key) throws SQLException {
    return kept.get(key, () -> store.findByKey(key));
  }

  /**
   * The tenant of {@code key} if it is kept; never reads the database, so it may be called on an
   * event loop.
   */
  public Optional<Tenant> kept(String key) {
    return kept.peek(key);
  }

  /** Keys or tenants changed: every key is looked up again. */
  public void forgetAll() {
    kept.forgetAll();
  }
}
