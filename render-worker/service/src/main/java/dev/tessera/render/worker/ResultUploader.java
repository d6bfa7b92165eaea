package dev.tessera.render.worker;

import dev.tessera.render.pipeline.CancelToken;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Uploads a rendered job's PNG, riding out an object-store outage instead of rendering again: a
 * failed upload is tried again, the image kept in memory, after a wait that starts at {@code
 * firstRetry} and doubles up to {@code maxRetry}, until {@code giveUpAfter} has passed since the
 * first failure. Then the last failure is thrown, and the job is handed back (reported retryable)
 * for the scheduler to dispatch again. A wait ends early when the job's cancel token fires (its
 * owner's cancel, or the worker's shutdown), with {@link
 * dev.tessera.render.pipeline.RenderCancelledException}. Thread-safe.
 */
public final class ResultUploader {
  /** Where results go: normally {@link ResultStore#put}. */
  @FunctionalInterface
  public interface Destination {
    /** Stores {@code png} as the result of {@code jobId} and returns its key. */
    String put(UUID jobId, byte[] png) throws IOException;
  }

  /**
   * How long to keep trying.
   *
   * @param firstRetry the wait after the first failure, doubled after each further one
   * @param maxRetry the longest wait
   * @param giveUpAfter how long after the first failure the job is handed back; zero tries once
   */
  public record Policy(Duration firstRetry, Duration maxRetry, Duration giveUpAfter) {
    public Policy {
      if (firstRetry.isNegative() || firstRetry.isZero()) {
        throw new IllegalArgumentException(
            "first upload retry must be positive, got " + firstRetry);
      }
      if (maxRetry.compareTo(firstRetry) < 0) {
        throw new IllegalArgumentException(
            "longest upload retry " + maxRetry + " is shorter than the first, " + firstRetry);
      }
      if (giveUpAfter.isNegative()) {
        throw new IllegalArgumentException(
            "upload retry limit must not be negative, got " + giveUpAfter);
      }
    }

    /** One attempt, no retry. */
    public static Policy once() {
      return new Policy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO);
    }
  }

  private static final System.Logger LOG = System.getLogger(ResultUploader.class.getName());

  /** How often a wait looks at the cancel token. */
  private static final Duration CANCEL_CHECK = Duration.ofMillis(50);

  private final Destination destination;
  private final Policy policy;

  public ResultUploader(Destination destination, Policy policy) {
    this.destination = destination;
    this.policy = policy;
  }

  /**
   * Uploads {@code png} as the result of {@code jobId}, retrying as the policy says, and returns
   * its key.
   *
   * @throws IOException the last failure, once the policy's limit has passed
   */
  public String upload(UUID jobId, byte[] png, CancelToken cancel) throws IOException {
    long firstFailure = 0;
    Duration wait = policy.firstRetry();
    for (int attempt = 1; ; attempt++) {
      try {
        String key = destination.put(jobId, png);
        if (attempt > 1) {
          LOG.log(Level.INFO, "job " + jobId + ": result uploaded at attempt " + attempt);
        }
        return key;
      } catch (IOException e) {
        long now = System.nanoTime();
        if (attempt == 1) {
          firstFailure = now;
        }
        Duration failingFor = Duration.ofNanos(now - firstFailure);
        if (failingFor.plus(wait).compareTo(policy.giveUpAfter()) > 0) {
          throw new IOException(
              e.getMessage()
                  + " (upload attempt "
                  + attempt
                  + ", failing for "
                  + failingFor.toSeconds()
                  + " s; the job is handed back)",
              e);
        }
        LOG.log(
            Level.WARNING,
            "job "
                + jobId
                + ": upload attempt "
                + attempt
                + " failed ("
                + e.getMessage()
                + "); the image is kept, retry in "
                + wait.toMillis()
                + " ms");
      }
      sleep(wait, cancel);
      wait = wait.multipliedBy(2);
      if (wait.compareTo(policy.maxRetry()) > 0) {
        wait = policy.maxRetry();
      }
    }
  }

  private static void sleep(Duration wait, CancelToken cancel) throws IOException {
    long end = System.nanoTime() + wait.toNanos();
    try {
      for (long left = wait.toNanos(); left > 0; left = end - System.nanoTime()) {
        cancel.check();
        TimeUnit.NANOSECONDS.sleep(Math.min(left, CANCEL_CHECK.toNanos()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to retry an upload", e);
    }
    cancel.check();
  }
}
