package dev.tessera.gateway.jobs;

import com.google.common.collect.ImmutableMultimap;
import io.minio.MinioAsyncClient;
import io.minio.Signer;
import io.minio.Time;
import io.minio.credentials.Credentials;
import io.minio.http.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Signs time-limited GET URLs for result objects, so clients download PNGs from the object store
 * directly and never through the gateway. Signing is local computation (the region is given), no
 * call to the store. Thread-safe.
 *
 * <p>A URL is signed as of the start of its <em>signing window</em> (a twelfth of its lifetime: 5
 * minutes for an hour) and stays valid for its lifetime plus a window, so that the same object gets
 * the same URL all through a window: a job's status, and with it its ETag, does not change from one
 * poll to the next, and every URL handed out is valid for at least the lifetime asked for. The URLs
 * of the current window are kept (up to {@value #MAX_KEPT}), so a job polled often is signed once a
 * window.
 */
public final class ResultLinks {
  private static final int WINDOWS_PER_LIFETIME = 12;
  private static final long MAX_EXPIRY_SECONDS = Duration.ofDays(7).toSeconds();

  /** URLs kept per window, about half a kilobyte each. */
  static final int MAX_KEPT = 10_000;

  private final DatedSigner signer;
  private final Credentials credentials;
  private final String region;
  private final String bucket;
  private final long windowSeconds;
  private final int expirySeconds;
  private final Clock clock;
  private volatile Window window = new Window(Long.MIN_VALUE, new ConcurrentHashMap<>());

  /** The URLs signed in the window that starts at {@code start} (epoch seconds), by object key. */
  private record Window(long start, ConcurrentHashMap<String, String> urls) {}

  /**
   * @param endpoint the object store's URL as clients reach it (the signature covers its host)
   * @param ttl how long a URL stays valid at least, at most 7 days (the S3 limit)
   */
  public ResultLinks(
      String endpoint,
      String region,
      String accessKey,
      String secretKey,
      String bucket,
      Duration ttl) {
    this(endpoint, region, accessKey, secretKey, bucket, ttl, Clock.systemUTC());
  }

  ResultLinks(
      String endpoint,
      String region,
      String accessKey,
      String secretKey,
      String bucket,
      Duration ttl,
      Clock clock) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException(
          "result URL lifetime must be between 1 s and 7 days, got " + ttl);
    }
    this.signer =
        new DatedSigner(
            MinioAsyncClient.builder()
                .endpoint(endpoint)
                .region(region)
                .credentials(accessKey, secretKey)
                .build());
    this.credentials = new Credentials(accessKey, secretKey, null, null);
    this.region = region;
    this.bucket = bucket;
    this.windowSeconds = Math.max(1, ttl.toSeconds() / WINDOWS_PER_LIFETIME);
    this.expirySeconds = (int) Math.min(ttl.toSeconds() + windowSeconds, MAX_EXPIRY_SECONDS);
    this.clock = clock;
  }

  /**
   * A presigned GET URL of a succeeded job's PNG: the object its row names, or where workers store
   * it by convention when the row names none.
   */
  public String forJob(UUID jobId, String objectKey) {
    return presignedGet(objectKey != null ? objectKey : "results/" + jobId + ".png");
  }

  /**
   * The {@code result_url} of a succeeded job, as every answer about it carries it: {@link #forJob}
   * while its result is kept, null once the result retention deleted it.
   */
  public String forKeptResult(UUID jobId, String objectKey, boolean deleted) {
    return deleted ? null : forJob(jobId, objectKey);
  }

  /** A presigned GET URL of {@code objectKey} in the results bucket. */
  public String presignedGet(String objectKey) {
    long now = clock.instant().getEpochSecond();
    long start = now - Math.floorMod(now, windowSeconds);
    Window current = window;
    if (current.start() != start) {
      // Two threads may both start the new window; one of the maps is dropped, no harm done.
      current = new Window(start, new ConcurrentHashMap<>());
      window = current;
    }
    String url = current.urls().get(objectKey);
    if (url == null) {
      url = sign(objectKey, Instant.ofEpochSecond(start));
      if (current.urls().size() < MAX_KEPT) {
        current.urls().putIfAbsent(objectKey, url);
      }
    }
    return url;
  }

  private String sign(String objectKey, Instant windowStart) {
    try {
      return signer.presignGet(
          bucket, objectKey, region, credentials, windowStart.atZone(Time.UTC), expirySeconds);
    } catch (Exception e) {
      // With the region fixed nothing here does I/O; a failure is a configuration or programming
      // error.
      throw new IllegalStateException(
          "cannot sign a URL for " + objectKey + ": " + e.getMessage(), e);
    }
  }

  /**
   * The MinIO client's own URL building and presigning (what {@code getPresignedObjectUrl} does),
   * with the signing time given instead of taken from the clock.
   */
  private static final class DatedSigner extends MinioAsyncClient {
    DatedSigner(MinioAsyncClient client) {
      super(client);
    }

    String presignGet(
        String bucket,
        String object,
        String region,
        Credentials credentials,
        ZonedDateTime signedAt,
        int expirySeconds)
        throws Exception {
      HttpUrl url = buildUrl(Method.GET, bucket, object, region, ImmutableMultimap.of());
      Request request =
          createRequest(url, Method.GET, null, null, 0, credentials)
              .newBuilder()
              .header("x-amz-date", signedAt.format(Time.AMZ_DATE_FORMAT))
              .build();
      return Signer.presignV4(
              request, region, credentials.accessKey(), credentials.secretKey(), expirySeconds)
          .toString();
    }
  }
}
