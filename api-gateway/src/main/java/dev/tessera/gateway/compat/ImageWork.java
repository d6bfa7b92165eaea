package dev.tessera.gateway.compat;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the compatibility APIs read, resize and encode their answers' images: a few threads of its
 * own, one per core, since the work is mostly CPU. A burst of answers queues here rather than on
 * the request threads the rest of the API needs, or on the {@link JobWatch}'s thread. Thread-safe.
 */
public final class ImageWork implements Executor, AutoCloseable {
  private final ExecutorService threads;

  public ImageWork() {
    AtomicInteger count = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread thread = new Thread(r, "image-work-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public void execute(Runnable task) {
    threads.execute(task);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
