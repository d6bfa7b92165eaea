package dev.tessera.gateway.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.gateway.compat.ResultImages;
import dev.tessera.gateway.jobs.ResultLinks;
import dev.tessera.teststack.TestStack;
import io.minio.BucketExistsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Result retention on real PostgreSQL and a real S3 server: a result past the retention goes, PNG
 * and derived images, and its job is marked in a new version; a recent result, a failed job and an
 * already deleted result are left alone; while the store fails, no job is marked.
 */
class ResultRetentionTest {
  private static final String BUCKET = "retention-test";
  private static final Duration WEEK = Duration.ofDays(7);

  @TempDir static Path dir;
  private static ObjectStore s3;
  private static MinioClient store;

  private final DataSource dataSource = TestDatabase.dataSource();
  private final Sql sql = new Sql(dataSource);
  private UUID tenant;

  @BeforeAll
  static void startStore() throws Exception {
    s3 = TestStack.services().startObjectStore(dir.resolve("s3"));
    store =
        MinioClient.builder()
            .endpoint(s3.endpoint())
            .region("us-east-1")
            .credentials(s3.accessKey(), s3.secretKey())
            .build();
    if (!store.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
      store.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
    }
  }

  @AfterAll
  static void stopStore() {
    if (s3 != null) {
      s3.close();
    }
  }

  @BeforeEach
  void newTenant() throws Exception {
    tenant =
        new TenantStore(dataSource)
            .create("retention-" + System.nanoTime() % 1_000_000_000L, 1, 1000, 10, false)
            .tenant()
            .id();
  }

  private ResultImages images(MinioClient client) {
    return new ResultImages(
        client,
        BUCKET,
        new ResultLinks(s3.endpoint(), "us-east-1", s3.accessKey(), s3.secretKey(), BUCKET, WEEK));
  }

  /** A job of the test's tenant in {@code state}, finished {@code ago}, its PNG stored. */
  private UUID job(String state, String ago) throws Exception {
    UUID id = UUID.randomUUID();
    String key = "results/" + id + ".png";
    sql.update(
        """
        INSERT INTO jobs (id, tenant_id, model, settings, upscale, target_size, state, attempt,
                          object_key, started_at, finished_at)
        VALUES (?, ?, 'sd21', '{}'::jsonb, 'x4', 2048, ?, 1, ?, now() - ?::interval,
                now() - ?::interval)""",
        id,
        tenant,
        state,
        state.equals("SUCCEEDED") ? key : null,
        ago,
        ago);
    if (state.equals("SUCCEEDED")) {
      put(key);
      put("derived/" + id + "/thumb-256.jpeg");
      put("derived/" + id + "/1024x1024.webp");
    }
    return id;
  }

  private static void put(String key) throws Exception {
    byte[] bytes = key.getBytes();
    store.putObject(
        PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }

  /** The keys of {@code job}'s objects: its PNG and its derived images. */
  private static List<String> objectsOf(UUID job) throws Exception {
    List<String> keys = new ArrayList<>();
    for (String prefix : List.of("results/" + job, "derived/" + job + "/")) {
      for (Result<Item> item :
          store.listObjects(
              ListObjectsArgs.builder().bucket(BUCKET).prefix(prefix).recursive(true).build())) {
        keys.add(item.get().objectName());
      }
    }
    return keys;
  }

  private Map<String, Object> row(UUID job) throws Exception {
    return sql.row("SELECT state, version, result_deleted_at FROM jobs WHERE id = ?", job);
  }

  @Test
  void resultsPastTheRetentionGoWithTheirDerivedImagesAndTheirJobsAreMarked() throws Exception {
    List<UUID> old = List.of(job("SUCCEEDED", "8 days"), job("SUCCEEDED", "9 days"));
    UUID oldest = job("SUCCEEDED", "30 days");
    UUID recent = job("SUCCEEDED", "6 days");
    UUID failed = job("FAILED", "30 days");
    long version = (Long) row(oldest).get("version");

    // chunks of 2 jobs: the three expired ones take two transactions
    ResultRetention retention = new ResultRetention(dataSource, images(store), WEEK, 2);
    assertEquals(3, retention.deleteExpired());

    for (UUID job : List.of(old.get(0), old.get(1), oldest)) {
      assertEquals(List.of(), objectsOf(job), "every object of " + job + " deleted");
      assertNotNull(row(job).get("result_deleted_at"), job.toString());
      assertEquals("SUCCEEDED", row(job).get("state"));
    }
    assertEquals(version + 1, row(oldest).get("version"), "a new version for the caches");
    assertEquals(3, objectsOf(recent).size(), "kept for a week");
    assertNull(row(recent).get("result_deleted_at"));
    assertNull(row(failed).get("result_deleted_at"));

    assertEquals(0, retention.deleteExpired(), "nothing left to delete");
    assertEquals(version + 1, row(oldest).get("version"), "a deleted result is not marked again");
  }

  @Test
  void whileTheStoreFailsNoJobIsMarked() throws Exception {
    UUID expired = job("SUCCEEDED", "8 days");
    MinioClient unreachable =
        MinioClient.builder()
            .endpoint("http://127.0.0.1:1")
            .region("us-east-1")
            .credentials("key", "secret")
            .build();
    unreachable.setTimeout(2_000, 2_000, 2_000);
    ResultRetention retention = new ResultRetention(dataSource, images(unreachable), WEEK, 100);

    assertThrows(IOException.class, retention::deleteExpired);
    assertNull(row(expired).get("result_deleted_at"), "its objects are still there");
    assertEquals(3, objectsOf(expired).size());

    assertEquals(
        1,
        new ResultRetention(dataSource, images(store), WEEK, 100).deleteExpired(),
        "the next run, the store back, deletes it");
    assertEquals(List.of(), objectsOf(expired));
  }

  @Test
  void aNegativeRetentionIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResultRetention(dataSource, images(store), Duration.ofDays(-1)));
  }
}
