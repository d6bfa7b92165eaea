package dev.tessera.render.worker;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Stores finished PNGs in S3-compatible object storage (MinIO, or any S3 server) under {@code
 * results/<job-id>.png}. A redelivered job overwrites its own key with the same image, so uploads
 * are idempotent. Every call gives up after its timeouts (connecting {@value #CONNECT_SECONDS} s,
 * reading or writing {@value #TRANSFER_SECONDS} s), so a hung server fails the job (to be retried)
 * instead of holding the worker. Thread-safe.
 */
public final class ResultStore {
  private static final long CONNECT_SECONDS = 10;
  private static final long TRANSFER_SECONDS = 60;

  private final MinioClient client;
  private final String bucket;

  public ResultStore(String endpoint, String accessKey, String secretKey, String bucket) {
    this.client =
        MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build();
    this.client.setTimeout(
        TimeUnit.SECONDS.toMillis(CONNECT_SECONDS),
        TimeUnit.SECONDS.toMillis(TRANSFER_SECONDS),
        TimeUnit.SECONDS.toMillis(TRANSFER_SECONDS));
    this.bucket = bucket;
  }

  /** The object key of a job's result. */
  public static String key(UUID jobId) {
    return "results/" + jobId + ".png";
  }

  /** Creates the bucket when it does not exist yet. */
  public void ensureBucket() throws IOException {
    try {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
    } catch (ErrorResponseException e) {
      // Another worker starting at the same moment made it first.
      if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
        throw new IOException(
            "object storage: cannot create bucket '" + bucket + "': " + e.getMessage(), e);
      }
    } catch (Exception e) {
      throw new IOException(
          "object storage: cannot reach or create bucket '" + bucket + "': " + e.getMessage(), e);
    }
  }

  /** Uploads {@code png} as the result of {@code jobId} and returns its key. */
  public String put(UUID jobId, byte[] png) throws IOException {
    String key = key(jobId);
    try {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).contentType("image/png").stream(
                  new ByteArrayInputStream(png), png.length, -1)
              .build());
      return key;
    } catch (Exception e) {
      throw new IOException("object storage: upload of " + key + " failed: " + e.getMessage(), e);
    }
  }
}
