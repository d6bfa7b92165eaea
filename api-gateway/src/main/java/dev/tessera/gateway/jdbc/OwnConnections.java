package dev.tessera.gateway.jdbc;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Connections a component keeps for itself, to the gateway's database but outside the pool (which
 * would hand a session holding a LISTEN or a lock to others), with the gateway's timeouts: 10 s to
 * connect, keepalives to notice a server that vanished. Thread-safe.
 */
@Singleton
public class OwnConnections {
  private final String url;
  private final Optional<String> user;
  private final Optional<String> password;

  public OwnConnections(
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
      @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /**
   * A new connection; the caller owns it.
   *
   * @param applicationName how the session shows in {@code pg_stat_activity}
   * @param socketTimeoutSeconds longest wait for any answer, longer than any wait the owner makes
   */
  public Connection open(String applicationName, int socketTimeoutSeconds) throws SQLException {
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
