package dev.tessera.gateway.idempotency;

/** An {@code Idempotency-Key} the request cannot run under; {@link #status()} is the answer's. */
public final class IdempotencyException extends RuntimeException {
  private final int status;

  public IdempotencyException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
