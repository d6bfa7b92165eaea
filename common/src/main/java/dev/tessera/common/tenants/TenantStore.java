package dev.tessera.common.tenants;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Tenants and their API keys in PostgreSQL (tables {@code tenants}, {@code api_keys}): made and
 * listed by operators ({@code ./farm tenant}), looked up by the gateway on every request. Every
 * statement carries a timeout. Thread-safe.
 */
public final class TenantStore {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final int TIMEOUT_SECONDS = 10;

  /** The columns {@link #tenant} reads, first in a SELECT list, of {@code tenants t}. */
  private static final String COLUMNS =
      "t.id, t.name, t.weight, t.max_queued, t.rate_per_second, t.operator";

  private final DataSource dataSource;

  public TenantStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A new tenant and the one time its first key is shown. */
  public record Created(Tenant tenant, String key) {}

  /**
   * A tenant as operators see it.
   *
   * @param waiting its jobs waiting for a worker (queued or dispatched), as {@code max_queued}
   *     counts them
   */
  public record Listing(Tenant tenant, List<String> keyPrefixes, long waiting, long running) {}

  /**
   * Makes a tenant with a first key.
   *
   * @param operator whether it may read farm-wide views ({@code GET /v1/workers})
   * @throws IllegalArgumentException naming the problem: a bad name or limit, or a name taken
   */
  public Created create(
      String name, int weight, int maxQueued, double ratePerSecond, boolean operator)
      throws SQLException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tenant name: 1 to 63 of a-z, 0-9, '_' and '-', starting with a letter or digit; got '"
              + name
              + "'");
    }
    if (weight < 1 || weight > 1000) {
      throw new IllegalArgumentException("weight: must be between 1 and 1000, got " + weight);
    }
    if (maxQueued < 1) {
      throw new IllegalArgumentException("max queued: must be at least 1, got " + maxQueued);
    }
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate: must be a positive number, got " + ratePerSecond);
    }
    Tenant tenant = new Tenant(UUID.randomUUID(), name, weight, maxQueued, ratePerSecond, operator);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO tenants (id, name, weight, max_queued, rate_per_second, operator)"
                  + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
        insert.setQueryTimeout(TIMEOUT_SECONDS);
        insert.setObject(1, tenant.id());
        insert.setString(2, name);
        insert.setInt(3, weight);
        insert.setInt(4, maxQueued);
        insert.setDouble(5, ratePerSecond);
        insert.setBoolean(6, operator);
        if (insert.executeUpdate() == 0) {
          c.rollback();
          throw new IllegalArgumentException("a tenant named '" + name + "' exists already");
        }
        String key = insertKey(c, tenant.id());
        c.commit();
        return new Created(tenant, key);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Gives the tenant named {@code name} another key and returns it (shown once).
   *
   * @throws IllegalArgumentException when there is no such tenant
   */
  public String addKey(String name) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Tenant tenant =
          find(c, "SELECT " + COLUMNS + " FROM tenants t WHERE t.name = ?", name)
              .orElseThrow(() -> new IllegalArgumentException("no tenant named '" + name + "'"));
      return insertKey(c, tenant.id());
    }
  }

  /**
   * Revokes the key whose prefix is {@code prefix}; requests with it answer 401 from then on.
   *
   * @return whether a key that was active is revoked now
   */
  public boolean revokeKey(String prefix) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement update =
            c.prepareStatement(
                "UPDATE api_keys SET revoked_at = now() WHERE prefix = ? AND revoked_at IS NULL")) {
      update.setQueryTimeout(TIMEOUT_SECONDS);
      update.setString(1, prefix);
      return update.executeUpdate() == 1;
    }
  }

  /** Every tenant, by name, with its active keys' prefixes and its waiting and running jobs. */
  public List<Listing> list() throws SQLException {
    String sql =
        "SELECT "
            + COLUMNS
            + """
            , ARRAY(SELECT k.prefix FROM api_keys k WHERE k.tenant_id = t.id AND k.revoked_at IS NULL
                    ORDER BY k.created_at),
              (SELECT count(*) FROM jobs j
               WHERE j.tenant_id = t.id AND j.state IN ('QUEUED', 'DISPATCHED')),
              (SELECT count(*) FROM jobs j WHERE j.tenant_id = t.id AND j.state = 'RUNNING')
            FROM tenants t ORDER BY t.name""";
    List<Listing> listings = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(sql)) {
      query.setQueryTimeout(TIMEOUT_SECONDS);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          String[] prefixes = (String[]) row.getArray(7).getArray();
          listings.add(new Listing(tenant(row), List.of(prefixes), row.getLong(8), row.getLong(9)));
        }
      }
    }
    return listings;
  }

  /** The tenant an active key belongs to; empty for a malformed, unknown or revoked key. */
  public Optional<Tenant> findByKey(String key) throws SQLException {
    if (!ApiKeys.wellFormed(key)) {
      return Optional.empty();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement query =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
                    + " WHERE k.key_hash = ? AND k.revoked_at IS NULL")) {
      query.setQueryTimeout(TIMEOUT_SECONDS);
      query.setBytes(1, ApiKeys.hash(key));
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(tenant(row)) : Optional.empty();
      }
    }
  }

  private static Optional<Tenant> find(Connection c, String sql, String value) throws SQLException {
    try (PreparedStatement query = c.prepareStatement(sql)) {
      query.setQueryTimeout(TIMEOUT_SECONDS);
      query.setString(1, value);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(tenant(row)) : Optional.empty();
      }
    }
  }

  private static String insertKey(Connection c, UUID tenantId) throws SQLException {
    String key = ApiKeys.generate();
    try (PreparedStatement insert =
        c.prepareStatement("INSERT INTO api_keys (key_hash, tenant_id, prefix) VALUES (?, ?, ?)")) {
      insert.setQueryTimeout(TIMEOUT_SECONDS);
      insert.setBytes(1, ApiKeys.hash(key));
      insert.setObject(2, tenantId);
      insert.setString(3, ApiKeys.prefix(key));
      insert.executeUpdate();
    }
    return key;
  }

  private static Tenant tenant(ResultSet row) throws SQLException {
    return new Tenant(
        row.getObject(1, UUID.class),
        row.getString(2),
        row.getInt(3),
        row.getInt(4),
        row.getDouble(5),
        row.getBoolean(6));
  }
}
