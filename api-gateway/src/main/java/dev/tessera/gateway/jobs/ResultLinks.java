package dev.tessera.gateway.jobs;

import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import java.time.Duration;
import java.util.UUID;

/**
 * Signs time-limited GET URLs for result objects, so clients download PNGs from the object store
 * directly and never through the gateway. Signing is local computation (the region is given), no
 * call to the store. Thread-safe.
 */
public final class ResultLinks {
  private final MinioClient signer;
  private final String bucket;
  private final int ttlSeconds;

  /**
   * @param endpoint the object store's URL as clients reach it (the signature covers its host)
   * @param ttl how long a URL stays valid, at most 7 days (the S3 limit)
   */
  public ResultLinks(
      String endpoint,
      String region,
      String accessKey,
      String secretKey,
      String bucket,
      Duration ttl) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException(
          "result URL lifetime must be between 1 s and 7 days, got " + ttl);
    }
    this.signer =
        MinioClient.builder()
            .endpoint(endpoint)
            .region(region)
            .credentials(accessKey, secretKey)
            .build();
    this.bucket = bucket;
    this.ttlSeconds = (int) ttl.toSeconds();
  }

  /**
   * A presigned GET URL of a succeeded job's PNG: the object its row names, or where workers store
   * it by convention when the row names none.
   */
  public String forJob(UUID jobId, String objectKey) {
    return presignedGet(objectKey != null ? objectKey : "results/" + jobId + ".png");
  }

  /** A presigned GET URL of {@code objectKey} in the results bucket. */
  public String presignedGet(String objectKey) {
    try {
      return signer.getPresignedObjectUrl(
          GetPresignedObjectUrlArgs.builder()
              .method(Method.GET)
              .bucket(bucket)
              .object(objectKey)
              .expiry(ttlSeconds)
              .build());
    } catch (Exception e) {
      // With the region fixed nothing here does I/O; a failure is a configuration or programming
      // error.
      throw new IllegalStateException(
          "cannot sign a URL for " + objectKey + ": " + e.getMessage(), e);
    }
  }
}
