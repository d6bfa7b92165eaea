package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.BatchBodies;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.QueueListener;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of bad batch gets an RFC 9457 problem naming what is wrong, and writes nothing at all:
 * one bad job refuses the whole batch.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class BadBatchTest {
  @Inject DataSource dataSource;

  private Sql sql;
  private long rowsBefore;

  @BeforeEach
  void countRows() throws Exception {
    sql = new Sql(dataSource);
    rowsBefore = rows();
  }

  @AfterEach
  void nothingWasWritten() throws Exception {
    assertEquals(rowsBefore, rows(), "a refused batch must leave no batch, job or outbox row");
  }

  private long rows() throws Exception {
    return sql.count(
        "SELECT (SELECT count(*) FROM batches) + (SELECT count(*) FROM jobs)"
            + " + (SELECT count(*) FROM outbox)");
  }

  private static ValidatableResponse postJson(String body) {
    return given().contentType(ContentType.JSON).body(body).post("/v1/batches").then();
  }

  private static ValidatableResponse postLines(String body) {
    return given()
        .contentType(BatchBodies.JSONL)
        .body(BatchBodies.bytes(body))
        .post("/v1/batches")
        .then();
  }

  private static List<String> invalidFields(ValidatableResponse response) {
    return response
        .statusCode(422)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ProblemMappers.INVALID_FIELDS))
        .body("title", equalTo("Invalid batch"))
        .body("detail", not(containsString("java")))
        .extract()
        .jsonPath()
        .getList("errors.field");
  }

  @Test
  void oneBadJobAmongFiveHundredRefusesTheBatchNamingEachBadField() {
    String body =
        BatchBodies.json(
            "{}",
            500,
            i ->
                BatchBodies.job(
                    i,
                    switch (i) {
                      case 17 -> "\"steps\": 0";
                      case 300 -> "\"width\": 100, \"scheduler\": \"lms\"";
                      case 301 -> "\"steps\": \"ten\"";
                      default -> "";
                    }));
    ValidatableResponse response = postJson(body);
    assertEquals(
        List.of("items[17].steps", "items[300].scheduler", "items[300].width", "items[301].steps"),
        invalidFields(response));
    response
        .body("detail", equalTo("items[17].steps: must be between 1 and 500, got 0"))
        .body("errors[3].detail", equalTo("must be an integer"));
  }

  @Test
  void aBadPriorityIsNamedWhereItCameFrom() {
    String body =
        BatchBodies.json(
            "{\"priority\": 101}",
            5,
            i ->
                BatchBodies.job(
                    i,
                    switch (i) {
                      case 1 -> "\"priority\": 0";
                      case 3 -> "\"priority\": -1";
                      case 4 -> "\"priority\": 2.5";
                      default -> "";
                    }));
    ValidatableResponse response = postJson(body);
    assertEquals(
        List.of("defaults.priority", "items[3].priority", "items[4].priority"),
        invalidFields(response));
    response
        .body("detail", equalTo("defaults.priority: must be between 0 and 100, got 101"))
        .body("errors[2].detail", equalTo("must be an integer"));
  }

  @Test
  void aBadDefaultIsNamedOnceAsTheDefault() {
    String body =
        BatchBodies.json(
            "{\"steps\": 0, \"guidance\": 3}",
            3,
            i -> BatchBodies.job(i, i == 2 ? "\"steps\": 600" : ""));
    assertEquals(List.of("defaults.steps", "items[2].steps"), invalidFields(postJson(body)));
  }

  @Test
  void jsonLinesAreNamedByLineNumberFromOneBlankLinesCounted() {
    String body = BatchBodies.job(0, "") + "\n\n" + BatchBodies.job(1, "\"height\": 4096") + "\n";
    assertEquals(List.of("lines[3].height"), invalidFields(postLines(body)));
  }

  @Test
  void customIdsMustBeGivenUniqueStringsOfAtMost64Characters() {
    String body =
        "{\"items\": ["
            + "{\"custom_id\": \"a\", \"prompt\": \"x\"},"
            + "{\"custom_id\": \"a\", \"prompt\": \"x\"},"
            + "{\"prompt\": \"x\"},"
            + "{\"custom_id\": \""
            + "c".repeat(65)
            + "\", \"prompt\": \"x\"},"
            + "{\"custom_id\": 5, \"prompt\": \"x\"},"
            + "{\"custom_id\": \"\", \"prompt\": \"x\"},"
            + "{\"custom_id\": \""
            + "é".repeat(64)
            + "\", \"prompt\": \"x\"}"
            + "]}";
    ValidatableResponse response = postJson(body);
    assertEquals(
        List.of(
            "items[1].custom_id",
            "items[2].custom_id",
            "items[3].custom_id",
            "items[4].custom_id",
            "items[5].custom_id"),
        invalidFields(response));
    response
        .body("errors[0].detail", equalTo("'a' is the custom_id of items[0] already"))
        .body("errors[2].detail", equalTo("must be at most 64 characters, got 65"));
  }

  @Test
  void aCustomIdInTheDefaultsIsRefused() {
    assertEquals(
        List.of("defaults.custom_id"),
        invalidFields(
            postJson(
                BatchBodies.json("{\"custom_id\": \"all\"}", 2, i -> BatchBodies.job(i, "")))));
  }

  @Test
  void unknownFieldsAreRefusedWherever() {
    ValidatableResponse response =
        postJson(
            BatchBodies.json(
                "{\"stepz\": 3}",
                2,
                i -> BatchBodies.job(i, i == 1 ? "\"sampler\": \"ddim\"" : "")));
    assertEquals(List.of("defaults.stepz", "items[1].sampler"), invalidFields(response));
    response.body(
        "errors[0].detail", startsWith("unknown field; expected one of guidance, height"));
    assertEquals(
        List.of("lines[2].seeds"),
        invalidFields(
            postLines(BatchBodies.job(0, "") + "\n" + BatchBodies.job(1, "\"seeds\": 4"))));
    assertEquals(List.of("item"), invalidFields(postJson("{\"item\": []}")));
  }

  @Test
  void moreThanTenThousandJobsAreRefusedSayingHowMany() {
    postJson(BatchBodies.json(10_001))
        .statusCode(422)
        .body("errors[0].field", equalTo("items"))
        .body(
            "detail",
            equalTo(
                "items: a batch holds at most 10000 jobs, got 10001; split it into several"
                    + " batches"));
    postLines(BatchBodies.lines(10_001, i -> BatchBodies.job(i, "")))
        .statusCode(422)
        .body("errors[0].field", equalTo("lines"))
        .body("detail", containsString("got 10001"));
  }

  @Test
  void tooManyProblemsAreListedUpToAHundred() {
    postJson(BatchBodies.json("{}", 150, i -> BatchBodies.job(i, "\"steps\": 0")))
        .statusCode(422)
        .body("errors", hasSize(100))
        .body("errors[99].field", equalTo("items[99].steps"))
        .body(
            "detail",
            equalTo(
                "items[0].steps: must be between 1 and 500, got 0 (errors lists the first 100; 50 more)"));
  }

  @Test
  void theBatchMustHoldJobObjects() {
    assertEquals(List.of("items"), invalidFields(postJson("{\"items\": []}")));
    assertEquals(List.of("items"), invalidFields(postJson("{\"defaults\": {}}")));
    assertEquals(List.of("items"), invalidFields(postJson("{\"items\": {}}")));
    assertEquals(List.of("defaults"), invalidFields(postJson("{\"defaults\": [], \"items\": []}")));
    assertEquals(
        List.of("items[1]"),
        invalidFields(postJson("{\"items\": [" + BatchBodies.job(0, "") + ", \"a fox\"]}")));
    assertEquals(
        List.of("lines[1]"), invalidFields(postLines("[1, 2]\n" + BatchBodies.job(1, ""))));
    assertEquals(List.of("lines"), invalidFields(postLines("\n\n")));
  }

  @Test
  void aLineThatIsNotJsonIs400NamingTheLine() {
    postLines(
            BatchBodies.job(0, "")
                + "\n"
                + BatchBodies.job(1, "")
                + "\n{\"custom_id\": \"x\", prompt}\n")
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ProblemMappers.MALFORMED_BODY))
        .body("detail", startsWith("line 3 is not valid JSON: Unexpected character ('p'"))
        .body("detail", containsString("(column 20)"));
  }

  /** Jackson names its Java types when a line holds two values; the answer must not. */
  @Test
  void aLineWithTwoObjectsIs400WithoutNamingJavaTypes() {
    postLines(BatchBodies.job(0, "") + BatchBodies.job(1, "") + "\n")
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", startsWith("line 1 is not valid JSON: more text follows the JSON value"))
        .body("detail", not(containsString("jackson")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"items\": [", "not json", "[]", "{\"items\": []} {}"})
  void aJsonBodyThatIsNotOneObjectIs400(String body) {
    postJson(body)
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ProblemMappers.MALFORMED_BODY))
        .body("detail", not(containsString("com.fasterxml")));
  }

  @Test
  void aBodyAnnouncedOverSixteenMebibytesIs413BeforeItIsSent() throws Exception {
    // Only the headers go out: the answer must come without the body being read.
    try (Socket socket = new Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port)) {
      socket.setSoTimeout(10_000);
      String request =
          "POST /v1/batches HTTP/1.1\r\n"
              + "Host: localhost\r\n"
              + "Authorization: Bearer "
              + GatewayServices.key
              + "\r\n"
              + "Content-Type: application/json\r\n"
              + "Content-Length: "
              + (16 * 1024 * 1024 + 1)
              + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 413 "), response);
      assertTrue(response.contains(Problem.MEDIA_TYPE), response);
      assertTrue(
          response.endsWith("\"detail\":\"the body must not exceed 16777216 bytes\"}"), response);
    }
  }

  @Test
  void aBodyOfAnotherMediaTypeIs415() {
    given()
        .contentType(ContentType.TEXT)
        .body("a lighthouse")
        .post("/v1/batches")
        .then()
        .statusCode(415)
        .contentType(Problem.MEDIA_TYPE);
  }

  @Test
  void aRefusedRowRollsBackTheWholeBatchAndTheNextBatchGoesIn() throws Exception {
    // Make PostgreSQL refuse one job row in the middle of the COPY.
    sql.update(
        """
        CREATE FUNCTION refuse_marked_job() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.settings->>'prompt' = 'insert-must-fail' THEN
            RAISE EXCEPTION 'job refused for the test';
          END IF;
          RETURN NEW;
        END $$""");
    sql.update(
        "CREATE TRIGGER refuse_marked_job BEFORE INSERT ON jobs FOR EACH ROW "
            + "EXECUTE FUNCTION refuse_marked_job()");
    try (QueueListener signals = new QueueListener(dataSource)) {
      postJson(
              BatchBodies.json(
                  "{}",
                  50,
                  i ->
                      i == 25
                          ? "{\"custom_id\": \"bad\", \"prompt\": \"insert-must-fail\"}"
                          : BatchBodies.job(i, "")))
          .statusCode(500)
          .contentType(Problem.MEDIA_TYPE);
      assertEquals(List.of(), signals.during(Duration.ofMillis(500)), "no signal for no jobs");
    } finally {
      sql.update("DROP TRIGGER refuse_marked_job ON jobs");
      sql.update("DROP FUNCTION refuse_marked_job()");
    }
    // Every pooled connection is still usable (none is left inside a COPY): a batch goes in.
    for (int i = 0; i < 20; i++) {
      postJson(BatchBodies.json(3)).statusCode(202);
    }
    rowsBefore += 20 * (1 + 3);
  }
}
