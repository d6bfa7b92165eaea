package dev.tessera.gateway.faults;

import static dev.tessera.gateway.Api.as;
import static dev.tessera.gateway.Api.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes down under a running gateway: every request that needs the database answers 503
 * with {@code Retry-After} at once (no hung request, no 500, no stack trace), readiness reports
 * down, and once the server is back the jobs from before the outage are all there, once, and new
 * ones are taken.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class DatabaseOutageTest {
  /** Much less than a client's patience: the gateway must not wait for the database to return. */
  private static final Duration PROMPT = Duration.ofSeconds(10);

  /** What a stack trace or a driver's message would show: class names, frames, the server. */
  static final Pattern INTERNALS =
      Pattern.compile(
          "\\b(?:java|javax|jakarta|org|io|dev|com)\\.[a-z]\\w*\\.|\\tat |SQLException|PSQL|"
              + "[Cc]onnection refused|localhost:\\d+|127\\.0\\.0\\.1");

  @GatewayServices.Services ServiceStack services;

  @Inject DataSource dataSource;

  /** A request to make during the outage, by what it asks for. */
  private record Call(String name, Function<RequestSpecification, Response> send) {}

  @Test
  void everyDatabaseRequestAnswers503WithRetryAfterAndNothingIsLostAfterTheRestart()
      throws Exception {
    Sql sql = new Sql(dataSource);
    String job = submit("before the outage");
    String batch =
        given()
            .contentType(ContentType.JSON)
            .body("{\"items\": [{\"custom_id\": \"a\", \"prompt\": \"batch before the outage\"}]}")
            .post("/v1/batches")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id");
    long jobsBefore = sql.count("SELECT count(*) FROM jobs");

    List<Call> calls = calls(job, batch);
    Map<String, String> wrong = new LinkedHashMap<>();
    services.database().orElseThrow().stop();
    try {
      for (Call call : calls) {
        long start = System.nanoTime();
        Response answer = call.send().apply(given());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String problem = problemIn(call, answer, took);
        if (problem != null) {
          wrong.put(call.name(), problem);
        }
      }
      Response ready = RestAssured.given().get("/q/health/ready");
      assertEquals(
          503, ready.statusCode(), "not ready while the database is down: " + ready.asString());
      // Liveness is the process's own: restarting the gateway would not bring the database back.
      assertEquals(200, RestAssured.given().get("/q/health/live").statusCode());
    } finally {
      services.database().orElseThrow().restart();
    }
    assertTrue(wrong.isEmpty(), "answers during the outage: " + wrong);

    awaitReady();
    assertEquals(jobsBefore, sql.count("SELECT count(*) FROM jobs"), "no job lost or added");
    given().get("/v1/jobs/" + job).then().statusCode(200);
    given().get("/v1/batches/" + batch).then().statusCode(200);
    String after = submit("after the outage");
    assertEquals(1, sql.count("SELECT count(*) FROM jobs WHERE id = ?::uuid", after));
    assertEquals(jobsBefore + 1, sql.count("SELECT count(*) FROM jobs"));
  }

  /** Every endpoint of the API that reads or writes the database, as tenant {@code test}. */
  private static List<Call> calls(String job, String batch) {
    List<Call> calls = new ArrayList<>();
    String newJob = "{\"prompt\": \"during the outage\"}";
    calls.add(new Call("POST /v1/jobs", r -> json(r, newJob).post("/v1/jobs")));
    calls.add(
        new Call(
            "POST /v1/jobs with Idempotency-Key",
            r -> json(r, newJob).header("Idempotency-Key", "\"outage-1\"").post("/v1/jobs")));
    calls.add(new Call("GET /v1/jobs", r -> r.get("/v1/jobs")));
    calls.add(new Call("GET /v1/jobs/{id}", r -> r.get("/v1/jobs/" + job)));
    calls.add(new Call("GET /v1/jobs/{id}?wait=1", r -> r.get("/v1/jobs/" + job + "?wait=1")));
    calls.add(new Call("POST /v1/jobs/{id}/cancel", r -> r.post("/v1/jobs/" + job + "/cancel")));
    calls.add(
        new Call(
            "POST /v1/batches",
            r ->
                json(r, "{\"items\": [{\"custom_id\": \"b\", \"prompt\": \"during\"}]}")
                    .post("/v1/batches")));
    calls.add(
        new Call(
            "POST /v1/batches (JSON Lines)",
            r ->
                r.contentType("application/x-ndjson")
                    .body(
                        "{\"custom_id\": \"c\", \"prompt\": \"during\"}\n"
                            .getBytes(StandardCharsets.UTF_8))
                    .post("/v1/batches")));
    calls.add(new Call("GET /v1/batches/{id}", r -> r.get("/v1/batches/" + batch)));
    calls.add(
        new Call("GET /v1/batches/{id}/results", r -> r.get("/v1/batches/" + batch + "/results")));
    calls.add(
        new Call("POST /v1/batches/{id}/cancel", r -> r.post("/v1/batches/" + batch + "/cancel")));
    calls.add(new Call("GET /v1/workers", r -> as(GatewayServices.operatorKey).get("/v1/workers")));
    calls.add(new Call("GET /v1/webhooks/secret", r -> r.get("/v1/webhooks/secret")));
    calls.add(new Call("GET /v1/webhooks/deliveries", r -> r.get("/v1/webhooks/deliveries")));
    calls.add(
        new Call(
            "POST /v1/images/generations",
            r -> json(r, "{\"prompt\": \"during\"}").post("/v1/images/generations")));
    calls.add(
        new Call(
            "POST /sdapi/v1/txt2img",
            r -> json(r, "{\"prompt\": \"during\"}").post("/sdapi/v1/txt2img")));
    return calls;
  }

  private static RequestSpecification json(RequestSpecification request, String body) {
    return request.contentType(ContentType.JSON).body(body);
  }

  /** What is wrong with an answer during the outage, or null when it is a prompt 503. */
  private static String problemIn(Call call, Response answer, Duration took) {
    String body = answer.asString();
    List<String> problems = new ArrayList<>();
    if (answer.statusCode() != 503) {
      problems.add("status " + answer.statusCode());
    }
    if (answer.header("Retry-After") == null) {
      problems.add("no Retry-After");
    }
    String type = String.valueOf(answer.contentType());
    // The compatibility APIs answer in their own error format; the farm's own in RFC 9457.
    boolean compat = call.name().contains("images") || call.name().contains("sdapi");
    if (!compat && !type.startsWith("application/problem+json")) {
      problems.add("content type " + type);
    }
    if (INTERNALS.matcher(body).find()) {
      problems.add("reveals internals");
    }
    if (took.compareTo(PROMPT) > 0) {
      problems.add("took " + took.toMillis() + " ms");
    }
    return problems.isEmpty() ? null : String.join(", ", problems) + ": " + abbreviate(body);
  }

  private static String abbreviate(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }

  private static String submit(String prompt) {
    return given()
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"" + prompt + "\"}")
        .post("/v1/jobs")
        .then()
        .statusCode(202)
        .extract()
        .jsonPath()
        .getString("id");
  }

  private static void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (RestAssured.given().get("/q/health/ready").statusCode() != 200) {
      assertFalse(System.nanoTime() > deadline, "ready within 60 s of the database's restart");
      Thread.sleep(200);
    }
  }
}
