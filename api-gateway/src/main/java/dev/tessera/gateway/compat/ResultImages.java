package dev.tessera.gateway.compat;

import dev.tessera.gateway.jobs.ResultLinks;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Result images in the object store, for the compatibility APIs: {@code POST /v1/jobs} clients
 * download a job's PNG themselves, but these APIs answer with the image (base64) or with a URL of
 * exactly the image asked for, so the gateway reads the worker's PNG and, when it resized or
 * re-encoded it, stores the derived image beside it ({@code derived/<job-id>/<variant>}). Every
 * call is bounded by the client's timeouts. Thread-safe.
 */
public final class ResultImages {
  private final MinioClient store;
  private final String bucket;
  private final ResultLinks links;

  /**
   * @param store reaches the store from the gateway, with timeouts set
   */
  public ResultImages(MinioClient store, String bucket, ResultLinks links) {
    this.store = store;
    this.bucket = bucket;
    this.links = links;
  }

  /** The PNG {@code job} stored. */
  public byte[] read(EndedJob job) throws IOException {
    try (InputStream in =
        store.getObject(GetObjectArgs.builder().bucket(bucket).object(key(job)).build())) {
      return in.readAllBytes();
    } catch (MinioException | GeneralSecurityException e) {
      throw new IOException("cannot read " + key(job) + ": " + e.getMessage(), e);
    }
  }

  /** A presigned GET URL of the PNG {@code job} stored. */
  public String link(EndedJob job) {
    return links.forJob(job.id(), job.objectKey());
  }

  /**
   * Stores {@code bytes}, an image derived from job {@code jobId}'s, as {@code variant} (e.g.
   * {@code 1024x1024}), and answers its presigned GET URL. The key depends only on the job, the
   * variant and the format, so storing it again replaces it with the same image.
   */
  public String store(UUID jobId, String variant, ImageFormat format, byte[] bytes)
      throws IOException {
    String key = derivedKey(jobId, variant, format);
    try {
      store.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).stream(
                  new ByteArrayInputStream(bytes), bytes.length, -1)
              .contentType(format.mediaType())
              .build());
    } catch (MinioException | GeneralSecurityException e) {
      throw new IOException("cannot store " + key + ": " + e.getMessage(), e);
    }
    return links.presignedGet(key);
  }

  /**
   * The image derived from job {@code jobId}'s as {@code variant} and stored by {@link #store}, or
   * empty when none is stored yet.
   */
  public Optional<byte[]> stored(UUID jobId, String variant, ImageFormat format)
      throws IOException {
    String key = derivedKey(jobId, variant, format);
    try (InputStream in =
        store.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return Optional.of(in.readAllBytes());
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return Optional.empty();
      }
      throw new IOException("cannot read " + key + ": " + e.getMessage(), e);
    } catch (MinioException | GeneralSecurityException e) {
      throw new IOException("cannot read " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the PNGs of {@code jobs} and every image derived from them: one listing per job, then
   * multi-object deletes (1,000 keys a request); deleting what is already gone is no error.
   *
   * @throws IOException when the store refused or failed any of it (some objects may be gone)
   */
  public void delete(Collection<EndedJob> jobs) throws IOException {
    List<DeleteObject> objects = new ArrayList<>();
    try {
      for (EndedJob job : jobs) {
        objects.add(new DeleteObject(key(job)));
        for (Result<Item> derived :
            store.listObjects(
                ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(derivedPrefix(job.id()))
                    .recursive(true)
                    .build())) {
          objects.add(new DeleteObject(derived.get().objectName()));
        }
      }
      for (Result<DeleteError> failed :
          store.removeObjects(
              RemoveObjectsArgs.builder().bucket(bucket).objects(objects).build())) {
        DeleteError error = failed.get();
        throw new IOException("cannot delete " + error.objectName() + ": " + error.message());
      }
    } catch (MinioException | GeneralSecurityException e) {
      throw new IOException("cannot delete the results of " + jobs.size() + " jobs: " + e, e);
    }
  }

  private static String derivedPrefix(UUID jobId) {
    return "derived/" + jobId + "/";
  }

  private static String derivedKey(UUID jobId, String variant, ImageFormat format) {
    return derivedPrefix(jobId) + variant + "." + format.wireName();
  }

  private static String key(EndedJob job) {
    return job.objectKey() != null ? job.objectKey() : "results/" + job.id() + ".png";
  }
}
