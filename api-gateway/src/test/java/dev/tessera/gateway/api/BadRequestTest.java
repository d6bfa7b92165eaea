package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of bad request gets an RFC 9457 problem naming what is wrong, and writes nothing. */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class BadRequestTest {
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
    assertEquals(rowsBefore, rows(), "a rejected request must leave no job and no outbox row");
  }

  private long rows() throws Exception {
    return sql.count("SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM outbox)");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      {}                                                  | prompt
      {"prompt": ""}                                      | prompt
      {"prompt": "   ", "steps": 10}                      | prompt
      {"prompt": "x", "steps": 0}                         | steps
      {"prompt": "x", "steps": 501}                       | steps
      {"prompt": "x", "width": 100}                       | width
      {"prompt": "x", "width": 4096}                      | width
      {"prompt": "x", "height": 56}                       | height
      {"prompt": "x", "guidance": -0.5}                   | guidance
      {"prompt": "x", "guidance": 50.5}                   | guidance
      {"prompt": "x", "scheduler": "lms"}                 | scheduler
      {"prompt": "x", "scheduler": "ddim", "karras": true} | karras
      {"prompt": "x", "model": "sdxl"}                    | model
      {"prompt": "x", "upscale": "x8"}                    | upscale
      {"prompt": "x", "steps": "ten"}                     | steps
      {"prompt": "x", "steps": "10"}                      | steps
      {"prompt": "x", "steps": 2.5}                       | steps
      {"prompt": "x", "guidance": "high"}                 | guidance
      {"prompt": "x", "karras": "yes"}                    | karras
      {"prompt": "x", "width": 99999999999}               | width
      {"prompt": "x", "seed": 123456789012345678901234}   | seed
      {"prompt": ["x"]}                                   | prompt
      {"prompt": "x", "priority": -1}                     | priority
      {"prompt": "x", "priority": 101}                    | priority
      {"prompt": "x", "priority": 2.5}                    | priority
      {"prompt": "x", "priority": "high"}                 | priority
      {"prompt": "x", "priority": "50"}                   | priority
      {"prompt": "x", "priority": 99999999999}            | priority
      {"prompt": "x", "loras": [{"name": "../etc/x"}]}    | loras[0].name
      {"prompt": "x", "loras": [{"scale": 0.5}]}          | loras[0].name
      {"prompt": "x", "loras": [{"name": "a", "scale": 9}]} | loras[0].scale
      {"prompt": "x", "loras": [{"name": "a"}, {"name": "a"}]} | loras[1].name
      {"prompt": "x", "loras": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}, {"name": "e"}]} | loras
      """)
  void anInvalidFieldIs422NamingIt(String body, String field) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/jobs")
        .then()
        .statusCode(422)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ProblemMappers.INVALID_FIELDS))
        .body("title", equalTo("Invalid job request"))
        .body("status", equalTo(422))
        .body("detail", startsWith(field + ": "))
        .body("errors[0].field", equalTo(field))
        .body("detail", not(containsString("java.")))
        .body("detail", not(containsString("jackson")));
  }

  @Test
  void everyInvalidFieldIsListedAndTheFirstIsInTheDetail() {
    List<String> fields =
        given()
            .contentType(ContentType.JSON)
            .body("{\"prompt\": \"\", \"steps\": 0, \"width\": 100, \"upscale\": \"x8\"}")
            .post("/v1/jobs")
            .then()
            .statusCode(422)
            .contentType(Problem.MEDIA_TYPE)
            .body("detail", equalTo("prompt: must not be empty"))
            .extract()
            .jsonPath()
            .getList("errors.field");
    assertEquals(List.of("prompt", "steps", "width", "upscale"), fields);
  }

  @Test
  void aPriorityOutOfRangeSaysTheRange() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"a fox\", \"priority\": 101}")
        .post("/v1/jobs")
        .then()
        .statusCode(422)
        .body("detail", equalTo("priority: must be between 0 and 100, got 101"));
  }

  @Test
  void anUnknownFieldIsRefusedNamingIt() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"a fox\", \"stepz\": 3}")
        .post("/v1/jobs")
        .then()
        .statusCode(422)
        .contentType(Problem.MEDIA_TYPE)
        .body("errors[0].field", equalTo("stepz"))
        .body("errors[0].detail", startsWith("unknown field; expected one of"));
  }

  @Test
  void anOverlongPromptIsRefused() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"" + "a".repeat(2001) + "\"}")
        .post("/v1/jobs")
        .then()
        .statusCode(422)
        .body("detail", equalTo("prompt: must be at most 2000 characters, got 2001"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"prompt\": \"x\",", "not json", "{'prompt': 'x'}"})
  void bodyThatIsNotJsonIs400WithAShortReason(String body) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/jobs")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ProblemMappers.MALFORMED_BODY))
        .body("status", equalTo(400))
        .body("detail", startsWith("the body is not valid JSON: "))
        .body("detail", not(containsString("com.fasterxml")))
        .body("detail", not(containsString("Source")))
        .body("errors", equalTo(null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"[]", "\"a lighthouse\"", "42", "", "{\"prompt\": \"x\"} {\"prompt\": \"y\"}"})
  void bodyThatIsNotOneObjectIs400(String body) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/jobs")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ProblemMappers.MALFORMED_BODY))
        .body("status", equalTo(400))
        .body("detail", equalTo(MalformedBodyException.NOT_ONE_OBJECT));
  }

  @Test
  void aClientStillSendingAnAnnouncedBodyOverTheLimitReadsThe413() throws Exception {
    // The answer goes out at once; a server that then closed would make the kernel reset the
    // connection under the bytes still coming, and the client would lose the answer.
    int length = 1024 * 1024 + 1;
    try (Socket socket = new Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + GatewayServices.key
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] piece = new byte[64 * 1024];
      Arrays.fill(piece, (byte) 'a');
      for (int sent = 0; sent < length; sent += piece.length) {
        Thread.sleep(20);
        out.write(piece, 0, Math.min(piece.length, length - sent));
        out.flush();
      }
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 413 "), response);
      assertTrue(response.contains(Problem.MEDIA_TYPE), response);
      assertTrue(
          response.endsWith("\"detail\":\"the body must not exceed 1048576 bytes\"}"), response);
    }
  }

  @Test
  void bodyOverOneMebibyteIs413() {
    String body = "{\"prompt\": \"" + "a".repeat(1024 * 1024) + "\"}";
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/jobs")
        .then()
        .statusCode(413)
        .contentType(Problem.MEDIA_TYPE)
        .body("status", equalTo(413))
        .body("title", equalTo("Content Too Large"));
  }

  @Test
  void aBodyOfAnotherMediaTypeIs415() {
    given()
        .contentType(ContentType.TEXT)
        .body("a lighthouse")
        .post("/v1/jobs")
        .then()
        .statusCode(415)
        .contentType(Problem.MEDIA_TYPE)
        .body("status", equalTo(415));
  }

  @Test
  void aMalformedJobIdIs400() {
    given()
        .get("/v1/jobs/not-a-uuid")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("status", equalTo(400))
        .body("detail", startsWith("a job id is a UUID"));
  }

  @Test
  void anUnknownJobIs404() {
    UUID id = UUID.randomUUID();
    given()
        .get("/v1/jobs/" + id)
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo("about:blank"))
        .body("title", equalTo("Not Found"))
        .body("status", equalTo(404))
        .body("detail", equalTo("no job with id " + id));
  }

  @Test
  void anUnknownPathIsAProblemToo() {
    given().get("/v1/nothing-here").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
  }
}
