package dev.tessera.gateway.watch;

/**
 * Every slot for waiting requests and event streams is taken ({@code tessera.watch.max-watches});
 * answered 503 with Retry-After, as the client should come back shortly or poll without waiting.
 */
public final class TooManyWatchesException extends RuntimeException {
  public TooManyWatchesException(int max) {
    super(
        "this gateway already holds "
            + max
            + " waiting requests and event streams; retry shortly, or poll without ?wait");
  }
}
