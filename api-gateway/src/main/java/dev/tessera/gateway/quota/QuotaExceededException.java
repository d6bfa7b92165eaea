package dev.tessera.gateway.quota;

/** A tenant's limit refuses the request (429); the message says which limit and by how much. */
public final class QuotaExceededException extends RuntimeException {
  public QuotaExceededException(String message) {
    super(message);
  }
}
