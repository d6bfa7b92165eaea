package dev.tessera.gateway.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Connections a component keeps for itself, outside the pool (which would hand a session holding a
 * LISTEN or a lock to others), with the gateway's timeouts: 10 s to connect, keepalives to notice a
 * server that vanished.
 */
public final class OwnConnections {
  private OwnConnections() {}

  /**
   * @param applicationName how the session shows in {@code pg_stat_activity}
   * @param socketTimeoutSeconds longest wait for any answer, longer than any wait the owner makes
   */
  public static Connection open(
      String url,
      Optional<String> user,
      Optional<String> password,
      String applicationName,
      int socketTimeoutSeconds)
      throws SQLException {
    Properties p = new Properties();
    user.ifPresent(u -> p.setProperty("user", u));
    password.ifPresent(pw -> p.setProperty("password", pw));
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection(url, p);
  }
}
