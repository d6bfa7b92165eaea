package dev.tessera.gateway.quota;

import dev.tessera.common.tenants.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A tenant's {@code max_queued}: a submission that would leave more of its jobs waiting (queued, or
 * dispatched but not started) is refused whole. Checked inside the submission's transaction under a
 * per-tenant advisory lock, so two submissions of one tenant cannot both pass on the same count.
 */
public final class QueuedLimit {
  private static final int TIMEOUT_SECONDS = 10;

  private QueuedLimit() {}

  /**
   * Takes room for {@code adding} more queued jobs of {@code tenant} in the transaction of {@code
   * c}.
   *
   * @throws QuotaExceededException when they do not fit
   */
  public static void reserve(Connection c, Tenant tenant, int adding) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setQueryTimeout(TIMEOUT_SECONDS);
      lock.setLong(1, tenant.id().getMostSignificantBits() ^ tenant.id().getLeastSignificantBits());
      lock.execute();
    }
    long queued;
    try (PreparedStatement count =
        c.prepareStatement(
            "SELECT count(*) FROM jobs WHERE tenant_id = ? AND state IN ('QUEUED', 'DISPATCHED')")) {
      count.setQueryTimeout(TIMEOUT_SECONDS);
      count.setObject(1, tenant.id());
      try (ResultSet row = count.executeQuery()) {
        row.next();
        queued = row.getLong(1);
      }
    }
    if (queued + adding > tenant.maxQueued()) {
      throw new QuotaExceededException(
          "tenant "
              + tenant.name()
              + " has "
              + queued
              + " job(s) waiting (queued or dispatched) and may have at most "
              + tenant.maxQueued()
              + "; this request adds "
              + adding);
    }
  }
}
