package dev.tessera.render.worker;

import dev.tessera.render.lora.LoraException;
import dev.tessera.render.lora.LoraLibrary;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * LoRA adapters for the worker: {@code <name>.safetensors} in a local directory, and where it is
 * not there, fetched once from the farm's bucket ({@value #PREFIX}{@code <name>.safetensors}) into
 * that directory. A name is taken to mean one file for good: upload a changed adapter under a new
 * name. Every call gives up after its timeouts (connecting {@value #CONNECT_SECONDS} s, reading
 * {@value #READ_SECONDS} s), so a hung server fails the job (to be retried). Thread-safe: a
 * download goes to a temporary file that is moved into place.
 */
public final class AdapterDownloads implements LoraLibrary {
  /** Where adapters live in the bucket. */
  public static final String PREFIX = "models/loras/";

  private static final long CONNECT_SECONDS = 10;
  private static final long READ_SECONDS = 120;

  private final Path dir;
  private final MinioClient client;
  private final String bucket;

  public AdapterDownloads(
      Path dir, String endpoint, String accessKey, String secretKey, String bucket)
      throws IOException {
    this.dir = Files.createDirectories(dir);
    this.client =
        MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build();
    this.client.setTimeout(
        TimeUnit.SECONDS.toMillis(CONNECT_SECONDS),
        TimeUnit.SECONDS.toMillis(READ_SECONDS),
        TimeUnit.SECONDS.toMillis(READ_SECONDS));
    this.bucket = bucket;
  }

  @Override
  public Path locate(String name) throws IOException {
    String fileName = LoraLibrary.fileName(name);
    Path file = dir.resolve(fileName);
    if (Files.isRegularFile(file)) {
      return file;
    }
    String key = PREFIX + fileName;
    Path partial = Files.createTempFile(dir, fileName, ".part");
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      return Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        throw new LoraException(
            "LoRA adapter " + name + ": not in " + dir + " nor at s3://" + bucket + "/" + key);
      }
      throw new IOException("object storage: download of " + key + " failed: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IOException("object storage: download of " + key + " failed: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
