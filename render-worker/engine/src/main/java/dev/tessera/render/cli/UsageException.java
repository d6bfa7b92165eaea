package dev.tessera.render.cli;

/**
 * A command line that cannot be run as given; the CLI prints its message on one line and exits with
 * code 2.
 */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
