package dev.tessera.gateway.outbox;

/**
 * The broker did not take (or did not acknowledge) every record of a relay pass; their rows stay
 * unsent.
 */
public final class PublishException extends Exception {
  PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
