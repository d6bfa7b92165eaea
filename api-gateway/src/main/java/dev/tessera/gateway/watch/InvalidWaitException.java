package dev.tessera.gateway.watch;

/** A {@code ?wait} that is not 0 to 60 seconds; answered 422 problem+json naming {@code wait}. */
public final class InvalidWaitException extends RuntimeException {
  InvalidWaitException(String detail) {
    super(detail);
  }
}
