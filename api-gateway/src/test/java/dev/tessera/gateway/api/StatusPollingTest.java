package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cheap polling of {@code GET /v1/jobs/{id}} and {@code GET /v1/batches/{id}}: ETags, 304s and
 * {@code ?wait}. Jobs are moved as the scheduler moves them, by SQL, so the database's change
 * notifications are the real ones.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class StatusPollingTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  @Test
  void aJobCarriesAStrongETagThatStaysWhileNothingChanges() {
    UUID id = submit();
    Response first = given().get("/v1/jobs/" + id);
    first.then().statusCode(200).header("ETag", matchesPattern("\"[A-Za-z0-9_-]{22}\""));
    Response second = given().get("/v1/jobs/" + id);
    assertEquals(first.header("ETag"), second.header("ETag"));
    assertEquals(first.asString(), second.asString());
  }

  @Test
  void aMatchingIfNoneMatchAnswers304WithoutABody() {
    UUID id = submit();
    String etag = etag("/v1/jobs/" + id);
    Response notModified = given().header("If-None-Match", etag).get("/v1/jobs/" + id);
    notModified.then().statusCode(304).header("ETag", etag);
    assertEquals("", notModified.asString());
    // Weak comparison, lists and * as RFC 9110 has them for If-None-Match.
    given().header("If-None-Match", "W/" + etag).get("/v1/jobs/" + id).then().statusCode(304);
    given()
        .header("If-None-Match", "\"other\", " + etag)
        .get("/v1/jobs/" + id)
        .then()
        .statusCode(304);
    given().header("If-None-Match", "*").get("/v1/jobs/" + id).then().statusCode(304);
    given()
        .header("If-None-Match", "\"other\"")
        .get("/v1/jobs/" + id)
        .then()
        .statusCode(200)
        .header("ETag", etag)
        .body("state", equalTo("QUEUED"));
  }

  @Test
  void theETagChangesWithTheState() throws Exception {
    UUID id = submit();
    String queued = etag("/v1/jobs/" + id);
    start(id);
    Response running = given().header("If-None-Match", queued).get("/v1/jobs/" + id);
    running.then().statusCode(200).body("state", equalTo("RUNNING"));
    assertNotEquals(queued, running.header("ETag"));
    sql.update("UPDATE jobs SET progress_step = 3, progress_total = 25 WHERE id = ?", id);
    assertNotEquals(running.header("ETag"), etag("/v1/jobs/" + id));
  }

  @Test
  void aWaitingPollAnswersAsSoonAsTheJobChanges() throws Exception {
    UUID id = submit();
    String etag = etag("/v1/jobs/" + id);
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> poll = get("/v1/jobs/" + id + "?wait=30", etag);
    Thread.sleep(1000);
    assertTrue(!poll.isDone(), "answered before anything changed: " + poll.getNow(null));
    start(id);
    HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(200, answer.statusCode());
    assertTrue(answer.body().contains("\"state\":\"RUNNING\""), answer.body());
    assertNotEquals(etag, answer.headers().firstValue("ETag").orElseThrow());
    assertTrue(seconds < 10, "took " + seconds + " s");
  }

  @Test
  void progressAloneEndsAJobsWait() throws Exception {
    UUID id = submit();
    start(id);
    String etag = etag("/v1/jobs/" + id);
    CompletableFuture<HttpResponse<String>> poll = get("/v1/jobs/" + id + "?wait=30", etag);
    Thread.sleep(500);
    sql.update("UPDATE jobs SET progress_step = 9, progress_total = 25 WHERE id = ?", id);
    HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode());
    assertTrue(answer.body().contains("\"progress\":{\"step\":9,\"total\":25}"), answer.body());
  }

  @Test
  void aWaitWithNothingChangingAnswers304AfterItsSeconds() throws Exception {
    UUID id = submit();
    String etag = etag("/v1/jobs/" + id);
    long start = System.nanoTime();
    HttpResponse<String> answer = get("/v1/jobs/" + id + "?wait=2", etag).get(15, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(304, answer.statusCode());
    assertEquals(etag, answer.headers().firstValue("ETag").orElseThrow());
    assertTrue(seconds >= 2 && seconds < 5, "took " + seconds + " s");
  }

  @Test
  void withoutIfNoneMatchAWaitAnswersTheBodyAfterItsSecondsOrAtTheChange() throws Exception {
    UUID id = submit();
    long start = System.nanoTime();
    HttpResponse<String> unchanged =
        get("/v1/jobs/" + id + "?wait=2", null).get(15, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(200, unchanged.statusCode());
    assertTrue(unchanged.body().contains("\"state\":\"QUEUED\""), unchanged.body());
    assertTrue(seconds >= 2 && seconds < 5, "took " + seconds + " s");

    CompletableFuture<HttpResponse<String>> poll = get("/v1/jobs/" + id + "?wait=30", null);
    Thread.sleep(1000);
    sql.update(
        "UPDATE jobs SET state = 'CANCELED', finished_at = now(), version = version + 1"
            + " WHERE id = ?",
        id);
    HttpResponse<String> changed = poll.get(10, TimeUnit.SECONDS);
    assertTrue(changed.body().contains("\"state\":\"CANCELED\""), changed.body());
  }

  @Test
  void anIfNoneMatchThatIsStaleAnswersAtOnceEvenWhenAskedToWait() throws Exception {
    UUID id = submit();
    long start = System.nanoTime();
    HttpResponse<String> answer =
        get("/v1/jobs/" + id + "?wait=30", "\"stale\"").get(10, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode());
    assertTrue((System.nanoTime() - start) / 1e9 < 5);
  }

  @Test
  void waitMustBeWholeSecondsFromZeroToSixty() throws Exception {
    UUID id = submit();
    for (String wait : List.of("61", "-1", "abc", "1.5", "+5", "1000000000000")) {
      HttpResponse<String> answer =
          get("/v1/jobs/" + id + "?wait=" + wait, null).get(10, TimeUnit.SECONDS);
      assertEquals(422, answer.statusCode(), "wait=" + wait);
      assertEquals(
          "application/problem+json", answer.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(answer.body().contains("\"field\":\"wait\""), answer.body());
    }
    given().get("/v1/batches/" + UUID.randomUUID() + "?wait=99").then().statusCode(422);
    given().get("/v1/jobs/" + id + "?wait=0").then().statusCode(200);
    // 60 is allowed; a stale If-None-Match answers at once.
    given()
        .header("If-None-Match", "\"stale\"")
        .get("/v1/jobs/" + id + "?wait=60")
        .then()
        .statusCode(200)
        .body("state", equalTo("QUEUED"));
  }

  @Test
  void waitingHoldsNoWorkerThread() throws Exception {
    UUID id = submit();
    String etag = etag("/v1/jobs/" + id);
    // More than Quarkus's worker pool (200 threads at most by default) could hold if each blocked.
    List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      polls.add(get("/v1/jobs/" + id + "?wait=8", etag));
    }
    Thread.sleep(1500);
    long start = System.nanoTime();
    given().get("/v1/jobs/" + id).then().statusCode(200);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 2, "a plain GET took " + seconds + " s beside 250 waiting ones");
    start(id);
    for (CompletableFuture<HttpResponse<String>> poll : polls) {
      assertEquals(200, poll.get(15, TimeUnit.SECONDS).statusCode());
    }
  }

  @Test
  void anotherTenantsJobIsNotFoundWaitingOrNot() {
    UUID id = submit();
    dev.tessera.gateway.Api.as(GatewayServices.otherKey)
        .get("/v1/jobs/" + id + "?wait=5")
        .then()
        .statusCode(404);
  }

  @Test
  void aBatchCarriesAnETagAndItsWaitEndsWhenAJobsStateMoves() throws Exception {
    UUID batch = submitBatch();
    String path = "/v1/batches/" + batch;
    String etag = etag(path);
    given().header("If-None-Match", etag).get(path).then().statusCode(304).header("ETag", etag);
    UUID job =
        (UUID)
            sql.row("SELECT id FROM jobs WHERE batch_id = ? AND custom_id = 'a'", batch).get("id");

    CompletableFuture<HttpResponse<String>> poll = get(path + "?wait=30", etag);
    Thread.sleep(500);
    start(job);
    HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode());
    assertTrue(answer.body().contains("\"running\":1"), answer.body());
  }

  @Test
  void progressDoesNotEndABatchsWait() throws Exception {
    UUID batch = submitBatch();
    UUID job =
        (UUID)
            sql.row("SELECT id FROM jobs WHERE batch_id = ? AND custom_id = 'a'", batch).get("id");
    start(job);
    String path = "/v1/batches/" + batch;
    String etag = etag(path);
    CompletableFuture<HttpResponse<String>> poll = get(path + "?wait=3", etag);
    Thread.sleep(500);
    sql.update("UPDATE jobs SET progress_step = 4, progress_total = 25 WHERE id = ?", job);
    HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
    assertEquals(304, answer.statusCode());
  }

  private static UUID submit() {
    return UUID.fromString(
        given()
            .contentType(ContentType.JSON)
            .body("{\"prompt\": \"a lighthouse in fog\"}")
            .post("/v1/jobs")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  private static UUID submitBatch() {
    return UUID.fromString(
        given()
            .contentType(ContentType.JSON)
            .body(
                "{\"items\": [{\"custom_id\": \"a\", \"prompt\": \"a harbour\"},"
                    + " {\"custom_id\": \"b\", \"prompt\": \"a quay\"}]}")
            .post("/v1/batches")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  private static String etag(String path) {
    return given().get(path).then().statusCode(200).extract().header("ETag");
  }

  /** As the scheduler starts a job: a guarded, versioned move to RUNNING. */
  private void start(UUID id) throws Exception {
    assertEquals(
        1,
        sql.update(
            """
            UPDATE jobs SET state = 'RUNNING', attempt = 1, worker_id = 'gpu-0', started_at = now(),
                   version = version + 1 WHERE id = ? AND state = 'QUEUED'""",
            id));
  }

  /** A GET that the test does not wait for, with {@code If-None-Match} unless null. */
  private static CompletableFuture<HttpResponse<String>> get(String path, String ifNoneMatch) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
            .header("Authorization", "Bearer " + GatewayServices.key)
            .timeout(Duration.ofSeconds(90));
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
