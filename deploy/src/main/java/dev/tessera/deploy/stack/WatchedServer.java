package dev.tessera.deploy.stack;

import java.io.IOException;

/**
 * A server that a readiness check watches while it waits: the server may die meanwhile, and its log
 * says why.
 */
public interface WatchedServer {
  /** Fails, quoting the log, when the server is no longer running. */
  void checkAlive() throws IOException;

  /** The end of the server's log, for error messages. */
  String logTail();
}
