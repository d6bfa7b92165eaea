package dev.tessera.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Plain JDBC for tests: read rows as maps, run statements, as the scheduler would write them. */
public final class Sql {
  private final DataSource dataSource;

  public Sql(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Every row {@code sql} returns, as column name to value. */
  public List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = prepare(c, sql, params);
        ResultSet rs = s.executeQuery()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /** The single row {@code sql} returns. */
  public Map<String, Object> row(String sql, Object... params) throws SQLException {
    List<Map<String, Object>> rows = rows(sql, params);
    if (rows.size() != 1) {
      throw new AssertionError("expected one row from " + sql + ", got " + rows.size());
    }
    return rows.get(0);
  }

  public long count(String sql, Object... params) throws SQLException {
    return ((Number) row(sql, params).values().iterator().next()).longValue();
  }

  public int update(String sql, Object... params) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = prepare(c, sql, params)) {
      return s.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params)
      throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      s.setObject(i + 1, params[i]);
    }
    return s;
  }
}
