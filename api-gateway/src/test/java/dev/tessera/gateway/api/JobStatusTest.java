package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/jobs/{id}} for a job in each state. The rows are moved the way the scheduler moves
 * them (guarded, versioned updates), directly in the database.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class JobStatusTest {
  @GatewayServices.Services ServiceStack services;

  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  @Test
  void queued() {
    UUID id = submit();
    get(id)
        .body("state", equalTo("QUEUED"))
        .body("attempts", equalTo(0))
        .body("started_at", nullValue())
        .body("progress", nullValue())
        .body("timings", equalTo(List.of()))
        .body("error", nullValue())
        .body("result_url", nullValue());
  }

  @Test
  void runningShowsAttemptStartAndProgress() throws Exception {
    UUID id = submit();
    start(id, 1);
    sql.update(
        "UPDATE jobs SET progress_step = 7, progress_total = 25, version = version + 1 WHERE id = ?",
        id);
    get(id)
        .body("state", equalTo("RUNNING"))
        .body("attempts", equalTo(1))
        .body("started_at", notNullValue())
        .body("finished_at", nullValue())
        .body("progress.step", equalTo(7))
        .body("progress.total", equalTo(25))
        .body("result_url", nullValue());
  }

  /** A row whose settings cannot be read (written by hand, or by an older version) is shown. */
  @Test
  void aJobWhoseStoredSettingsCannotBeReadIsShownWithoutItsRequest() throws Exception {
    UUID id = submit();
    sql.update(
        """
        UPDATE jobs SET state = 'FAILED', settings = '{"prompt": 7, "steps": "many"}'::jsonb,
               error = 'stored settings cannot be read', version = version + 1 WHERE id = ?""",
        id);
    get(id)
        .body("state", equalTo("FAILED"))
        .body("error", equalTo("stored settings cannot be read"))
        .body("request", nullValue());
    given()
        .get("/v1/jobs?limit=1000")
        .then()
        .statusCode(200)
        .body("data.find { it.id == '" + id + "' }.request", nullValue());
  }

  @Test
  void requeuedAfterALostWorkerKeepsTheErrorButNotTheOldProgress() throws Exception {
    UUID id = submit();
    start(id, 1);
    sql.update(
        """
        UPDATE jobs SET state = 'QUEUED', progress_step = 3, progress_total = 25, error = 'worker lost',
               version = version + 1 WHERE id = ? AND state = 'RUNNING'""",
        id);
    get(id)
        .body("state", equalTo("QUEUED"))
        .body("attempts", equalTo(1))
        .body("progress", nullValue())
        .body("error", equalTo("worker lost"));
  }

  @Test
  void succeededListsTimingsInOrderAndSignsAUrlThatFetchesTheImage() throws Exception {
    UUID id = submit();
    start(id, 2);
    String key = "results/" + id + ".png";
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};
    putObject(key, png);
    sql.update(
        """
        UPDATE jobs SET state = 'SUCCEEDED', object_key = ?, finished_at = now(), version = version + 1
        WHERE id = ? AND state = 'RUNNING'""",
        key,
        id);
    // Stored out of order on purpose: the answer follows the position column, not insertion order.
    sql.update(
        "INSERT INTO job_timings (job_id, position, stage, millis, detail) VALUES "
            + "(?, 2, 'decode', 74.1, '1 tile'), (?, 0, 'tokenize', 6.2, ''), (?, 1, 'denoise', 215.7, '20 steps')",
        id,
        id,
        id);

    JsonPath job =
        get(id)
            .body("state", equalTo("SUCCEEDED"))
            .body("attempts", equalTo(2))
            .body("finished_at", notNullValue())
            .body("progress", nullValue())
            .body("result_url", containsString("X-Amz-Expires=3900"))
            .extract()
            .jsonPath();
    assertEquals(
        List.of(
            Map.of("stage", "tokenize", "millis", 6.2f, "detail", ""),
            Map.of("stage", "denoise", "millis", 215.7f, "detail", "20 steps"),
            Map.of("stage", "decode", "millis", 74.1f, "detail", "1 tile")),
        job.getList("timings"));

    HttpResponse<byte[]> download =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(job.getString("result_url"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, download.statusCode());
    assertArrayEquals(png, download.body());
  }

  @Test
  void aTamperedResultUrlIsRefusedByTheStore() throws Exception {
    UUID id = submit();
    putObject("results/" + id + ".png", new byte[] {1});
    sql.update(
        "UPDATE jobs SET state = 'SUCCEEDED', finished_at = now(), version = version + 1 WHERE id = ?",
        id);
    String url = get(id).extract().jsonPath().getString("result_url");
    // A URL signed for one job must not open another object.
    String tampered = url.replace(id.toString(), UUID.randomUUID().toString());
    HttpResponse<Void> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(tampered)).build(),
                HttpResponse.BodyHandlers.discarding());
    assertEquals(403, response.statusCode());
  }

  @Test
  void succeededWithoutAnObjectKeyPointsAtTheConventionalKey() throws Exception {
    UUID id = submit();
    sql.update(
        "UPDATE jobs SET state = 'SUCCEEDED', finished_at = now(), version = version + 1 WHERE id = ?",
        id);
    get(id)
        .body(
            "result_url",
            containsString("/" + GatewayServices.BUCKET + "/results/" + id + ".png?"));
  }

  @Test
  void aSucceededJobWhoseResultWasDeletedShowsWhenAndNoUrlItsPreviewIsGone() throws Exception {
    UUID id = submit();
    sql.update(
        """
        UPDATE jobs SET state = 'SUCCEEDED', finished_at = now() - interval '8 days',
               result_deleted_at = now(), version = version + 1 WHERE id = ?""",
        id);
    get(id)
        .body("state", equalTo("SUCCEEDED"))
        .body("result_url", nullValue())
        .body("result_deleted_at", notNullValue());
    given()
        .get("/v1/jobs/" + id + "/thumbnail")
        .then()
        .statusCode(410)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", containsString("deleted"));
    given()
        .get("/v1/jobs?state=SUCCEEDED&limit=1000")
        .then()
        .statusCode(200)
        .body("data.find { it.id == '" + id + "' }.result_url", nullValue())
        .body("data.find { it.id == '" + id + "' }.result_deleted_at", notNullValue());
  }

  @Test
  void failedShowsTheReasonAndNoUrl() throws Exception {
    UUID id = submit();
    start(id, 1);
    sql.update(
        """
        UPDATE jobs SET state = 'FAILED', error = 'unknown model bundle', finished_at = now(),
               version = version + 1 WHERE id = ? AND state = 'RUNNING'""",
        id);
    get(id)
        .body("state", equalTo("FAILED"))
        .body("error", equalTo("unknown model bundle"))
        .body("finished_at", notNullValue())
        .body("result_url", nullValue());
  }

  @Test
  void canceled() throws Exception {
    UUID id = submit();
    sql.update(
        """
        UPDATE jobs SET state = 'CANCELED', finished_at = now(), version = version + 1
        WHERE id = ? AND state = 'QUEUED'""",
        id);
    get(id)
        .body("state", equalTo("CANCELED"))
        .body("attempts", equalTo(0))
        .body("finished_at", notNullValue())
        .body("result_url", nullValue());
  }

  private static UUID submit() {
    return UUID.fromString(
        given()
            .contentType(ContentType.JSON)
            .body("{\"prompt\": \"a quiet harbour\"}")
            .post("/v1/jobs")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  private static ValidatableResponse get(UUID id) {
    return given().get("/v1/jobs/" + id).then().statusCode(200).contentType(ContentType.JSON);
  }

  private void start(UUID id, int attempt) throws Exception {
    assertEquals(
        1,
        sql.update(
            """
        UPDATE jobs SET state = 'RUNNING', attempt = ?, worker_id = 'gpu-0', started_at = now(),
               version = version + 1 WHERE id = ? AND state = 'QUEUED'""",
            attempt,
            id));
  }

  private void putObject(String key, byte[] bytes) throws Exception {
    MinioClient s3 =
        MinioClient.builder()
            .endpoint(services.s3().endpoint())
            .credentials(services.s3().accessKey(), services.s3().secretKey())
            .build();
    if (!s3.bucketExists(BucketExistsArgs.builder().bucket(GatewayServices.BUCKET).build())) {
      s3.makeBucket(MakeBucketArgs.builder().bucket(GatewayServices.BUCKET).build());
    }
    s3.putObject(
        PutObjectArgs.builder().bucket(GatewayServices.BUCKET).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .contentType("image/png")
            .build());
  }
}
