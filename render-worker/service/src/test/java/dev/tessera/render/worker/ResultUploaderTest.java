package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.RenderCancelledException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The retry rule of uploads, over a destination that fails as told (pure logic, real waits). */
class ResultUploaderTest {
  private static final UUID JOB = UUID.randomUUID();
  private static final byte[] PNG = {1, 2, 3};

  /** Fails its first {@code failures} calls, noting when each call came. */
  private static final class Flaky implements ResultUploader.Destination {
    final List<Long> calls = new ArrayList<>();
    private final int failures;

    Flaky(int failures) {
      this.failures = failures;
    }

    @Override
    public synchronized String put(UUID jobId, byte[] png) throws IOException {
      calls.add(System.nanoTime());
      if (calls.size() <= failures) {
        throw new IOException("object storage: upload failed: connection refused");
      }
      return ResultStore.key(jobId);
    }

    long gapMillis(int i) {
      return TimeUnit.NANOSECONDS.toMillis(calls.get(i) - calls.get(i - 1));
    }
  }

  @Test
  void retriesWithDoublingWaitsUpToTheLongestAndKeepsTheSameImage() throws Exception {
    Flaky flaky = new Flaky(4);
    ResultUploader uploader =
        new ResultUploader(
            flaky,
            new ResultUploader.Policy(
                Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(10)));
    assertEquals(ResultStore.key(JOB), uploader.upload(JOB, PNG, new CancelToken()));
    assertEquals(5, flaky.calls.size());
    long[] expected = {100, 200, 300, 300};
    for (int i = 1; i < 5; i++) {
      long gap = flaky.gapMillis(i);
      assertTrue(
          gap >= expected[i - 1] && gap < expected[i - 1] + 250,
          "wait " + i + " was " + gap + " ms, expected about " + expected[i - 1]);
    }
  }

  @Test
  void givesUpOnceTheLimitHasPassedNamingTheAttempts() {
    Flaky flaky = new Flaky(Integer.MAX_VALUE);
    ResultUploader uploader =
        new ResultUploader(
            flaky,
            new ResultUploader.Policy(
                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500)));
    long start = System.nanoTime();
    IOException e =
        assertThrows(IOException.class, () -> uploader.upload(JOB, PNG, new CancelToken()));
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(took <= 800, "gave up at its limit, not later: " + took + " ms");
    assertTrue(flaky.calls.size() >= 4, "retried: " + flaky.calls.size());
    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    assertTrue(e.getMessage().contains("upload attempt " + flaky.calls.size()), e.getMessage());
    assertTrue(e.getMessage().contains("the job is handed back"), e.getMessage());
  }

  @Test
  void aZeroLimitTriesOnce() {
    Flaky flaky = new Flaky(1);
    ResultUploader uploader = new ResultUploader(flaky, ResultUploader.Policy.once());
    assertThrows(IOException.class, () -> uploader.upload(JOB, PNG, new CancelToken()));
    assertEquals(1, flaky.calls.size());
  }

  @Test
  void aCancelEndsTheWaitAtOnce() throws Exception {
    Flaky flaky = new Flaky(Integer.MAX_VALUE);
    ResultUploader uploader =
        new ResultUploader(
            flaky,
            new ResultUploader.Policy(
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5)));
    CancelToken cancel = new CancelToken();
    CompletableFuture<String> upload =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return uploader.upload(JOB, PNG, cancel);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
    Thread.sleep(300);
    long start = System.nanoTime();
    cancel.cancel();
    Exception e = assertThrows(Exception.class, () -> upload.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof RenderCancelledException, e.toString());
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1000);
    assertEquals(1, flaky.calls.size());
  }

  @Test
  void refusesPoliciesThatMakeNoSense() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ResultUploader.Policy(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO));
    assertTrue(e.getMessage().contains("first upload retry must be positive"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ResultUploader.Policy(
                    Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    assertTrue(e.getMessage().contains("shorter than the first"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ResultUploader.Policy(
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("must not be negative"), e.getMessage());
  }
}
