package dev.tessera.gateway.watch;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Answers a status GET with its ETag: 304 when {@code If-None-Match} names the current one, and
 * with {@code ?wait=N} waits, holding no thread, until the body differs from the client's (the one
 * it named, or without If-None-Match the one there was when it asked) or N seconds have passed.
 * Waiting costs a {@link ChangeHub} watch; the body is read again only when the hub reports a
 * change that matters, and once at the deadline. Thread-safe.
 */
public final class ConditionalGet {
  /** Reads the current answer; throws NotFoundException when there is none. */
  public interface Reader {
    Tagged read() throws SQLException;
  }

  private final ChangeHub hub;
  private final Executor executor;

  /**
   * @param executor runs the reads after a change or at a deadline (they block on the database)
   */
  public ConditionalGet(ChangeHub hub, Executor executor) {
    this.hub = hub;
    this.executor = executor;
  }

  /**
   * The answer for the job or batch {@code id}.
   *
   * @param relevant which changes may alter the answer
   * @throws TooManyWatchesException when waiting and every watch is taken
   */
  public CompletionStage<Response> answer(
      UUID id, Predicate<JobChange> relevant, Reader reader, String ifNoneMatch, Duration wait)
      throws SQLException {
    if (wait.isZero()) {
      return CompletableFuture.completedFuture(respond(reader.read(), ifNoneMatch));
    }
    return new Pending(relevant, reader, ifNoneMatch).start(id, wait);
  }

  /** 304 with the tag when {@code ifNoneMatch} names it, else 200 with the body and the tag. */
  static Response respond(Tagged current, String ifNoneMatch) {
    if (current.matches(ifNoneMatch)) {
      return Response.notModified().header(HttpHeaders.ETAG, current.etag()).build();
    }
    return Response.ok(current.body(), MediaType.APPLICATION_JSON_TYPE)
        .header(HttpHeaders.ETAG, current.etag())
        .build();
  }

  /**
   * One waiting request: watches from before its first read until it answers. Its reads hold its
   * lock, so a recheck that a change asks for during the first read runs after it.
   */
  private final class Pending implements ChangeHub.Observer {
    private final Predicate<JobChange> relevant;
    private final Reader reader;
    private final String ifNoneMatch;
    private final CompletableFuture<Response> answer = new CompletableFuture<>();
    private final SerialTask recheck = new SerialTask(this::recheck, executor);
    private ChangeHub.Watch watch;
    private String seen;

    Pending(Predicate<JobChange> relevant, Reader reader, String ifNoneMatch) {
      this.relevant = relevant;
      this.reader = reader;
      this.ifNoneMatch = ifNoneMatch;
    }

    synchronized CompletionStage<Response> start(UUID id, Duration wait) throws SQLException {
      // Watching before reading: a change between the read and the watch cannot go unnoticed.
      watch = hub.watch(id, this);
      try {
        Tagged current = reader.read();
        if (ifNoneMatch != null && !current.matches(ifNoneMatch)) {
          finish(respond(current, ifNoneMatch));
        } else {
          seen = current.etag();
          CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS, executor)
              .execute(this::deadline);
        }
      } catch (SQLException | RuntimeException e) {
        watch.close();
        throw e;
      }
      return answer;
    }

    @Override
    public void changed(JobChange change) {
      if (relevant.test(change)) {
        recheck.request();
      }
    }

    @Override
    public void resync() {
      recheck.request();
    }

    private synchronized void recheck() {
      if (answer.isDone()) {
        return;
      }
      try {
        Tagged current = reader.read();
        if (!current.etag().equals(seen)) {
          finish(respond(current, ifNoneMatch));
        }
      } catch (SQLException | RuntimeException e) {
        fail(e);
      }
    }

    private synchronized void deadline() {
      if (answer.isDone()) {
        return;
      }
      try {
        finish(respond(reader.read(), ifNoneMatch));
      } catch (SQLException | RuntimeException e) {
        fail(e);
      }
    }

    private void finish(Response response) {
      watch.close();
      answer.complete(response);
    }

    private void fail(Exception e) {
      watch.close();
      answer.completeExceptionally(e);
    }
  }
}
