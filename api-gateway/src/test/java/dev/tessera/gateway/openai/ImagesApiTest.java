package dev.tessera.gateway.openai;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.compat.FakeFarm;
import dev.tessera.gateway.compat.TestTenants;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/images/generations} and {@code GET /v1/models} over HTTP, with a {@link FakeFarm}
 * standing in for the scheduler and the workers: the farm jobs it submits, the images it answers
 * with at each size and format, and its errors in OpenAI's shape.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class ImagesApiTest {
  private static TenantStore.Created tenant;

  @GatewayServices.Services ServiceStack services;
  @Inject DataSource dataSource;
  @Inject TenantStore tenants;

  private FakeFarm farm;
  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    if (tenant == null) {
      tenant = TestTenants.create(tenants, "openai", 1_000);
    }
    sql = new Sql(dataSource);
    farm = new FakeFarm(dataSource, services, GatewayServices.BUCKET, tenant.tenant().id());
  }

  @AfterEach
  void tearDown() throws Exception {
    farm.close();
  }

  @Test
  void base64ImagesAtTheAskedSizeFromOneFarmJobEach() throws Exception {
    long before = Instant.now().getEpochSecond();
    JsonPath answer =
        generate(
                """
                {"model": "dall-e-2", "prompt": "a lighthouse at dusk", "n": 2, "size": "256x256",
                 "response_format": "b64_json", "quality": "hd", "style": "vivid", "user": "u-1"}""")
            .statusCode(200)
            .contentType(ContentType.JSON)
            .body("data.size()", equalTo(2))
            .body("data[0].url", nullValue())
            .body("data[0].revised_prompt", equalTo("a lighthouse at dusk"))
            .extract()
            .jsonPath();
    assertTrue(answer.getLong("created") >= before);
    for (int i = 0; i < 2; i++) {
      byte[] png = Base64.getDecoder().decode(answer.getString("data[" + i + "].b64_json"));
      assertSize(png, "png", 256, 256);
    }
    // Rendered at 512 (SD models are trained there), not upscaled, with the default model.
    List<Map<String, Object>> jobs = jobsWithPrompt("a lighthouse at dusk");
    assertEquals(2, jobs.size());
    for (Map<String, Object> job : jobs) {
      assertEquals(GatewayServices.MODEL, job.get("model"));
      assertEquals("none", job.get("upscale"));
      assertEquals(512, job.get("width"));
      assertEquals(512, job.get("height"));
      assertEquals("SUCCEEDED", job.get("state"));
    }
  }

  @Test
  void aLandscapeJpegIsRenderedWideUpscaledAndFittedBehindAUrl() throws Exception {
    String url =
        generate(
                """
                {"model": "%s", "prompt": "a wide harbour", "size": "1536x1024",
                 "output_format": "jpeg", "output_compression": 80}"""
                    .formatted(GatewayServices.OTHER_MODEL))
            .statusCode(200)
            .body("data.size()", equalTo(1))
            .body("data[0].b64_json", nullValue())
            .extract()
            .jsonPath()
            .getString("data[0].url");
    assertTrue(url.contains("/derived/") && url.contains("1536x1024-q80.jpeg"), url);
    assertSize(download(url), "jpeg", 1536, 1024);
    Map<String, Object> job = jobsWithPrompt("a wide harbour").get(0);
    assertEquals(GatewayServices.OTHER_MODEL, job.get("model"));
    assertEquals("x4", job.get("upscale"));
    assertEquals(768, job.get("width"));
    assertEquals(512, job.get("height"));
  }

  @Test
  void anImageDeliveredAsAskedIsTheWorkersOwnObject() throws Exception {
    String url =
        generate("{\"prompt\": \"a square garden\", \"size\": \"512x512\"}")
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("data[0].url");
    UUID id = (UUID) jobsWithPrompt("a square garden").get(0).get("id");
    assertTrue(url.contains("/results/" + id + ".png?"), url);
    assertSize(download(url), "png", 512, 512);
  }

  @Test
  void gptImage1AnswersInBase64AndPortraitSizesAreTall() throws Exception {
    String b64 =
        generate(
                """
                {"model": "gpt-image-1", "prompt": "a tall tower", "size": "1024x1792"}""")
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("data[0].b64_json");
    assertSize(Base64.getDecoder().decode(b64), "png", 1024, 1792);
    Map<String, Object> job = jobsWithPrompt("a tall tower").get(0);
    assertEquals(512, job.get("width"));
    assertEquals(896, job.get("height"));
  }

  @Test
  void invalidParametersAnswerOpenAisErrorNamingTheParameter() {
    assertInvalid("{\"prompt\": \"p\", \"n\": 11}", "n");
    assertInvalid("{\"prompt\": \"p\", \"size\": \"300x300\"}", "size");
    assertInvalid("{\"prompt\": \"p\", \"response_format\": \"gif\"}", "response_format");
    assertInvalid("{\"prompt\": \"p\", \"model\": \"midjourney\"}", "model");
    assertInvalid("{\"n\": 1}", "prompt");
    assertInvalid("{\"prompt\": \"p\", \"n\": \"two\"}", "n");
    assertInvalid("{\"prompt\": \"" + "x".repeat(2001) + "\"}", "prompt");
    generate("{\"prompt\": ")
        .statusCode(400)
        .body("error.type", equalTo("invalid_request_error"))
        .body("error.param", nullValue());
  }

  @Test
  void webpIsRefusedSayingNoWriterIsOnTheClasspath() {
    assertInvalid("{\"prompt\": \"p\", \"output_format\": \"webp\"}", "output_format")
        .body("error.message", containsString("classpath"));
  }

  @Test
  void aMissingKeyIsAnOpenAiAuthenticationError() {
    RestAssured.given()
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"p\"}")
        .post("/v1/images/generations")
        .then()
        .statusCode(401)
        .contentType(ContentType.JSON)
        .body("error.type", equalTo("invalid_request_error"))
        .body("error.code", equalTo("invalid_api_key"))
        .body("error.message", containsString("Bearer"));
  }

  @Test
  void aQuotaRefusesTheWholeRequestAndCancelsWhatWasStored() throws Exception {
    TenantStore.Created small = TestTenants.create(tenants, "openai-small", 1);
    RestAssured.given()
        .header("Authorization", "Bearer " + small.key())
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"two of them\", \"n\": 2}")
        .post("/v1/images/generations")
        .then()
        .statusCode(429)
        .header("Retry-After", "30")
        .body("error.type", equalTo("requests"))
        .body("error.code", equalTo("rate_limit_exceeded"));
    List<Map<String, Object>> stored =
        sql.rows(
            """
            SELECT j.id, c.job_id AS cancelled FROM jobs j
            LEFT JOIN job_cancellations c ON c.job_id = j.id WHERE j.tenant_id = ?""",
            small.tenant().id());
    assertEquals(1, stored.size());
    assertEquals(stored.get(0).get("id"), stored.get(0).get("cancelled"));
  }

  @Test
  void jobsNotDoneInTimeAnswer504NamingThemWithoutInvitingARetry() throws Exception {
    generate("{\"prompt\": \"slow " + FakeFarm.HOLD + "\", \"response_format\": \"b64_json\"}")
        .statusCode(504)
        .header(OpenAiErrors.SHOULD_RETRY, "false")
        .body("error.type", equalTo("server_error"))
        .body("error.code", equalTo("timeout"))
        .body(
            "error.message",
            containsString(jobsWithPrompt("slow " + FakeFarm.HOLD).get(0).get("id").toString()));
  }

  @Test
  void aFailedJobIsAServerErrorWithItsReason() {
    generate("{\"prompt\": \"doomed " + FakeFarm.FAIL + "\"}")
        .statusCode(500)
        .header(OpenAiErrors.SHOULD_RETRY, "false")
        .body("error.type", equalTo("server_error"))
        .body("error.message", containsString(FakeFarm.FAILURE));
  }

  @Test
  void modelsListsTheFarmsModels() {
    given()
        .get("/v1/models")
        .then()
        .statusCode(200)
        .body("object", equalTo("list"))
        .body("data.id", equalTo(List.of(GatewayServices.MODEL, GatewayServices.OTHER_MODEL)))
        .body("data.object", hasItem("model"))
        .body("data.owned_by", hasItem("tessera"))
        .body("data[0].created", org.hamcrest.Matchers.greaterThan(0));
    given()
        .get("/v1/models/" + GatewayServices.OTHER_MODEL)
        .then()
        .statusCode(200)
        .body("id", equalTo(GatewayServices.OTHER_MODEL));
    given()
        .get("/v1/models/dall-e-3")
        .then()
        .statusCode(404)
        .body("error.code", equalTo("model_not_found"));
  }

  @Test
  void theRestOfTheApiKeepsProblemDetails() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"p\", \"n\": 2}")
        .post("/v1/jobs")
        .then()
        .statusCode(422)
        .contentType("application/problem+json");
  }

  private RequestSpecification given() {
    return RestAssured.given().header("Authorization", "Bearer " + tenant.key());
  }

  private ValidatableResponse generate(String body) {
    return given().contentType(ContentType.JSON).body(body).post("/v1/images/generations").then();
  }

  private ValidatableResponse assertInvalid(String body, String param) {
    return generate(body)
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error.type", equalTo("invalid_request_error"))
        .body("error.param", equalTo(param))
        .body("error.code", nullValue());
  }

  private List<Map<String, Object>> jobsWithPrompt(String prompt) throws Exception {
    return sql.rows(
        """
        SELECT id, model, upscale, state, (settings->>'width')::int AS width,
               (settings->>'height')::int AS height
        FROM jobs WHERE tenant_id = ? AND settings->>'prompt' = ? ORDER BY created_at""",
        tenant.tenant().id(),
        prompt);
  }

  private static byte[] download(String url) throws Exception {
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  private static void assertSize(byte[] image, String format, int width, int height)
      throws Exception {
    byte[] signature =
        format.equals("png")
            ? new byte[] {(byte) 0x89, 'P', 'N', 'G'}
            : new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
    byte[] head = new byte[signature.length];
    System.arraycopy(image, 0, head, 0, head.length);
    assertArrayEquals(signature, head, "a " + format + " image");
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
    assertEquals(width, decoded.getWidth());
    assertEquals(height, decoded.getHeight());
  }
}
