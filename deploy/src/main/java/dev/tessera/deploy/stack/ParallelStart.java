package dev.tessera.deploy.stack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts services in parallel (each start mostly waits on a child process or a socket) and cleans
 * up after a partial failure. Lifetime: one use, inside try-with-resources; {@link #close()} only
 * releases the threads, the services it started belong to the caller once {@link #awaitAll()}
 * returned.
 */
final class ParallelStart implements AutoCloseable {
  /** A service start that may fail. */
  @FunctionalInterface
  interface Starter<T extends AutoCloseable> {
    T start() throws IOException;
  }

  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "stack-start");
            t.setDaemon(true);
            return t;
          });
  private final List<CompletableFuture<? extends AutoCloseable>> started = new ArrayList<>();

  <T extends AutoCloseable> CompletableFuture<T> submit(Starter<T> starter) {
    CompletableFuture<T> future =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return starter.start();
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            },
            pool);
    started.add(future);
    return future;
  }

  /**
   * Waits for every start; when any failed, stops the services that did start (last first) and
   * throws the first failure with the others suppressed.
   */
  void awaitAll() throws IOException {
    List<AutoCloseable> running = new ArrayList<>();
    IOException failure = null;
    for (CompletableFuture<? extends AutoCloseable> future : started) {
      try {
        running.add(future.join());
      } catch (CompletionException e) {
        IOException cause =
            e.getCause() instanceof IOException io
                ? io
                : new IOException("a service failed to start: " + e.getCause(), e.getCause());
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      Collections.reverse(running);
      closeAll(running, failure);
    }
  }

  /**
   * Closes every service in order, each even if an earlier one fails; throws {@code failure} (or
   * else the first close error) with the other errors suppressed.
   */
  static void closeAll(List<AutoCloseable> services, IOException failure) throws IOException {
    IOException first = failure;
    for (AutoCloseable service : services) {
      try {
        service.close();
      } catch (Exception e) {
        IOException io =
            e instanceof IOException x
                ? x
                : new IOException("cannot stop " + service + ": " + e, e);
        if (first == null) {
          first = io;
        } else {
          first.addSuppressed(io);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
