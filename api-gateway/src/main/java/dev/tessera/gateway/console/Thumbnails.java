package dev.tessera.gateway.console;

import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.compat.EndedJob;
import dev.tessera.gateway.compat.ImageFit;
import dev.tessera.gateway.compat.ImageFormat;
import dev.tessera.gateway.compat.ResultImages;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ServiceUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Small previews of finished images for the console's gallery, so that a browser loads a few KiB
 * per image rather than a 2048×2048 PNG. Made by the gateway from the worker's PNG the first time
 * one is asked for, and kept beside it in the bucket ({@code derived/<job-id>/thumb-256.jpeg}, as
 * the compatibility APIs keep their images: part of the job, never a result of its own).
 * Thread-safe.
 */
public final class Thumbnails {
  /** The long side of a preview, in pixels. */
  public static final int SIZE = 256;

  private static final String VARIANT = "thumb-" + SIZE;
  private static final float QUALITY = 0.85f;

  /** How long a request waits for its preview behind others before it is told to come back. */
  private static final Duration MAKE_TIMEOUT = Duration.ofSeconds(30);

  private static final int RETRY_AFTER_SECONDS = 5;
  private static final int TIMEOUT_SECONDS = 10;
  private static final String SELECT_JOB =
      "SELECT state, object_key, error, result_deleted_at FROM jobs WHERE id = ? AND tenant_id = ?";

  private final DataSource dataSource;
  private final ResultImages images;
  private final Executor imageWork;

  /**
   * @param imageWork where previews are decoded, scaled and encoded
   */
  public Thumbnails(DataSource dataSource, ResultImages images, Executor imageWork) {
    this.dataSource = dataSource;
    this.images = images;
    this.imageWork = imageWork;
  }

  /**
   * The JPEG preview of {@code tenant}'s job {@code jobId}.
   *
   * @throws NotFoundException for an unknown job or another tenant's
   * @throws ClientErrorException (409) while the job has no image: not (or never) SUCCEEDED; (410)
   *     once its result was deleted
   * @throws ServiceUnavailableException (503) when the image threads could not make it in time
   */
  public byte[] of(Tenant tenant, UUID jobId) throws SQLException, IOException {
    EndedJob job = succeeded(tenant, jobId);
    Optional<byte[]> kept = images.stored(jobId, VARIANT, ImageFormat.JPEG);
    if (kept.isPresent()) {
      return kept.get();
    }
    CompletableFuture<byte[]> made = CompletableFuture.supplyAsync(() -> make(job), imageWork);
    try {
      return made.get(MAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      made.cancel(false);
      throw new ServiceUnavailableException(
          "the gateway's image threads are busy: no preview of job " + jobId + " yet",
          (long) RETRY_AFTER_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the preview of job " + jobId, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      throw new IOException("cannot make the preview of job " + jobId, e.getCause());
    }
  }

  private byte[] make(EndedJob job) {
    try {
      byte[] png = images.read(job);
      int[] size = previewSize(png);
      byte[] jpeg = ImageFit.deliver(png, size[0], size[1], ImageFormat.JPEG, QUALITY);
      images.store(job.id(), VARIANT, ImageFormat.JPEG, jpeg);
      return jpeg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private EndedJob succeeded(Tenant tenant, UUID jobId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_JOB)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setObject(1, jobId);
      select.setObject(2, tenant.id());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new NotFoundException("no job with id " + jobId);
        }
        JobState state = JobState.valueOf(row.getString("state"));
        if (state != JobState.SUCCEEDED) {
          throw new ClientErrorException(
              "job " + jobId + " has no image: it is " + state + ", not SUCCEEDED", 409);
        }
        if (row.getObject("result_deleted_at") != null) {
          throw new ClientErrorException(
              "the result of job " + jobId + " was deleted, its retention over", 410);
        }
        return new EndedJob(jobId, state, row.getString("object_key"), row.getString("error"));
      }
    }
  }

  /**
   * The preview's width and height for a PNG: its aspect kept, its long side {@link #SIZE} (or its
   * own, when smaller).
   *
   * @throws IOException when {@code png} does not start as a PNG does
   */
  static int[] previewSize(byte[] png) throws IOException {
    // The IHDR chunk comes first: signature (8), length (4), "IHDR" (4), width (4), height (4).
    if (png.length < 24 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
      throw new IOException("the result is not a PNG");
    }
    ByteBuffer header = ByteBuffer.wrap(png);
    return fit(header.getInt(16), header.getInt(20));
  }

  /** {@code width} × {@code height} brought within {@link #SIZE} on its long side. */
  static int[] fit(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("no image of " + width + "×" + height);
    }
    int longSide = Math.max(width, height);
    if (longSide <= SIZE) {
      return new int[] {width, height};
    }
    double scale = (double) SIZE / longSide;
    return new int[] {
      Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))
    };
  }
}
