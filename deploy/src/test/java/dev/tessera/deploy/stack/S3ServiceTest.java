package dev.tessera.deploy.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The farm's S3 client (MinIO SDK) against the stack's S3 server. */
class S3ServiceTest {
  @TempDir Path dir;

  @Test
  void minioClientStoresAndReadsObjectsAndWrongSecretsAreRejected() throws Exception {
    long t0 = System.nanoTime();
    try (S3Service s3 = S3Service.start(dir, 0)) {
      System.out.printf(
          "S3: started in %d ms at %s%n", (System.nanoTime() - t0) / 1_000_000, s3.endpoint());
      MinioClient minio =
          MinioClient.builder()
              .endpoint(s3.endpoint())
              .credentials(s3.accessKey(), s3.secretKey())
              .build();
      minio.makeBucket(MakeBucketArgs.builder().bucket("results").build());

      byte[] png = new byte[11 * 1024 * 1024];
      new Random(7).nextBytes(png);
      // an unknown length with 5 MiB parts makes the client upload in three parts (multipart
      // upload)
      minio.putObject(
          PutObjectArgs.builder().bucket("results").object("jobs/1/image.png").stream(
                  new ByteArrayInputStream(png), -1, 5 * 1024 * 1024)
              .contentType("image/png")
              .build());

      var stat =
          minio.statObject(
              StatObjectArgs.builder().bucket("results").object("jobs/1/image.png").build());
      assertEquals(png.length, stat.size());
      assertEquals("image/png", stat.contentType());

      try (var range =
          minio.getObject(
              GetObjectArgs.builder()
                  .bucket("results")
                  .object("jobs/1/image.png")
                  .offset(1000L)
                  .length(24L)
                  .build())) {
        assertArrayEquals(Arrays.copyOfRange(png, 1000, 1024), range.readAllBytes());
      }

      String url =
          minio.getPresignedObjectUrl(
              GetPresignedObjectUrlArgs.builder()
                  .method(Method.GET)
                  .bucket("results")
                  .object("jobs/1/image.png")
                  .expiry(300)
                  .build());
      HttpResponse<byte[]> download =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, download.statusCode());
      assertArrayEquals(png, download.body());

      MinioClient intruder =
          MinioClient.builder()
              .endpoint(s3.endpoint())
              .credentials(s3.accessKey(), "not-the-secret")
              .build();
      var refused =
          assertThrows(
              ErrorResponseException.class,
              () -> intruder.bucketExists(BucketExistsArgs.builder().bucket("results").build()));
      assertEquals("SignatureDoesNotMatch", refused.errorResponse().code());
      HttpResponse<String> anonymous =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(s3.endpoint() + "/results/jobs/1/image.png"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(403, anonymous.statusCode());
      assertTrue(anonymous.body().contains("AccessDenied"), anonymous.body());
    }
  }

  /**
   * S3Proxy exits when its port is taken (rather than idling half started), and its owner learns
   * why.
   */
  @Test
  void aTakenPortIsReportedAsSuch() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      PortInUseException e =
          assertThrows(PortInUseException.class, () -> S3Service.start(dir, taken.getLocalPort()));
      assertTrue(e.getMessage().contains("S3Proxy exited"), e.getMessage());
    }
  }
}
