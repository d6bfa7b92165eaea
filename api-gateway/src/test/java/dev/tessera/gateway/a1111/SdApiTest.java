package dev.tessera.gateway.a1111;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The A1111-compatible API over HTTP with request bodies of the shape A1111's clients send (test
 * resources {@code a1111/*.json}: the API docs' example, a hires fix, a 1.9+ scheduler with
 * extension scripts), a {@link FakeFarm} standing in for the scheduler and the workers: the farm
 * jobs they become, the answers' shapes and images, progress, interrupt and the errors.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class SdApiTest {
  private static TenantStore.Created tenant;

  @GatewayServices.Services ServiceStack services;
  @Inject DataSource dataSource;
  @Inject TenantStore tenants;
  @Inject ObjectMapper mapper;

  private FakeFarm farm;
  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    if (tenant == null) {
      tenant = TestTenants.create(tenants, "a1111", 1_000);
    }
    sql = new Sql(dataSource);
    farm = new FakeFarm(dataSource, services, GatewayServices.BUCKET, tenant.tenant().id());
  }

  @AfterEach
  void tearDown() throws Exception {
    farm.close();
  }

  @Test
  void theApiDocsExampleRendersEachIterationWithTheNextSeed() throws Exception {
    JsonNode answer = txt2img(resource("txt2img-api-docs.json"));
    assertImages(answer, 2, 512, 512);
    JsonNode parameters = answer.get("parameters");
    assertEquals(20, parameters.get("steps").asInt());
    assertTrue(parameters.has("alwayson_scripts") && parameters.has("s_noise"), "echoed as sent");
    JsonNode info = mapper.readTree(answer.get("info").asText());
    assertEquals(List.of(42L, 43L), longs(info.get("all_seeds")));
    assertEquals("Euler", info.get("sampler_name").asText());
    assertTrue(info.get("infotexts").get(1).asText().contains("Seed: 43"));

    List<Map<String, Object>> jobs = jobs("a lighthouse on a cliff at dusk, oil painting");
    assertEquals(2, jobs.size());
    assertJob(jobs.get(0), GatewayServices.MODEL, "euler", false, "none", 42L);
    assertEquals(20, jobs.get(0).get("steps"));
    assertEquals("7.0", jobs.get(0).get("guidance").toString());
    assertEquals("blurry, lowres", jobs.get(0).get("negative_prompt"));
  }

  @Test
  void aHiresFixUpscalesWithTheFarmsUpscalerAndIsFittedToTheScaledSize() throws Exception {
    JsonNode answer = txt2img(resource("txt2img-hires-fix.json"));
    assertImages(answer, 2, 768, 512);
    JsonNode info = mapper.readTree(answer.get("info").asText());
    assertEquals(List.of(1234L, 1235L), longs(info.get("all_seeds")));
    assertEquals("Karras", info.get("scheduler").asText());

    List<Map<String, Object>> jobs = jobs("a fishing harbour in the morning, detailed");
    assertJob(jobs.get(1), GatewayServices.MODEL, "dpmpp-2m", true, "sr", 1235L);
    assertEquals(384, jobs.get(1).get("width"));
    assertEquals(256, jobs.get(1).get("height"));
  }

  @Test
  void aSchedulerFieldACheckpointWithItsHashAndUnknownScriptsAreUnderstoodOrIgnored()
      throws Exception {
    JsonNode answer = txt2img(resource("txt2img-scheduler-and-scripts.json"));
    assertImages(answer, 1, 448, 576);
    assertEquals("task(3f2c1a)", answer.get("parameters").get("force_task_id").asText());
    Map<String, Object> job = jobs("portrait of an old sailor, dramatic light").get(0);
    assertEquals(GatewayServices.OTHER_MODEL, job.get("model"));
    assertEquals("euler-a", job.get("scheduler"));
    assertEquals("true", job.get("karras"));
    long seed = (Long) job.get("seed");
    assertTrue(seed >= 0 && seed < (1L << 32), "a random 32-bit seed for -1, got " + seed);
  }

  @Test
  void anUnknownSamplerIsNotFoundAsA1111Says() {
    post("{\"prompt\": \"p\", \"sampler_name\": \"UniPC\"}")
        .statusCode(404)
        .body("error", equalTo("HTTPException"))
        .body("detail", equalTo("Sampler not found"))
        .body("body", equalTo(""))
        .body("errors", equalTo("404: Sampler not found"));
  }

  @Test
  void invalidFieldsAnswerFastApisValidationShapeWithTheirLocation() {
    assertInvalid("{\"prompt\": \"p\", \"batch_size\": 4, \"n_iter\": 3}", "batch_size");
    assertInvalid("{\"prompt\": \"p\", \"steps\": \"many\"}", "steps");
    assertInvalid("{\"prompt\": \"\"}", "prompt");
    assertInvalid("{\"prompt\": \"p\", \"cfg_scale\": 80}", "cfg_scale");
    assertInvalid("{\"prompt\": \"p\", \"width\": 500}", "width");
    assertInvalid("{\"prompt\": \"p\", \"scheduler\": \"Exponential\"}", "scheduler");
    assertInvalid("{\"prompt\": \"p\", \"enable_hr\": true, \"hr_scale\": 8}", "hr_scale");
    given()
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"p\", \"override_settings\": {\"sd_model_checkpoint\": \"sdxl\"}}")
        .post("/sdapi/v1/txt2img")
        .then()
        .statusCode(422)
        .body(
            "detail[0].loc", equalTo(List.of("body", "override_settings", "sd_model_checkpoint")));
  }

  @Test
  void aFailedJobFailsTheRequestWithItsReason() {
    post("{\"prompt\": \"doomed " + FakeFarm.FAIL + "\"}")
        .statusCode(500)
        .body("error", equalTo("RuntimeError"))
        .body("detail", containsString(FakeFarm.FAILURE));
  }

  @Test
  void theKeyIsTakenAsBearerOrAsTheBasicPasswordAndItsAbsenceIsA1111s401() {
    RestAssured.given()
        .auth()
        .preemptive()
        .basic("anyone", tenant.key())
        .get("/sdapi/v1/sd-models")
        .then()
        .statusCode(200);
    RestAssured.given()
        .get("/sdapi/v1/sd-models")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("Basic"))
        .contentType(ContentType.JSON)
        .body("error", equalTo("HTTPException"))
        .body("errors", containsString("401: "));
    RestAssured.given()
        .auth()
        .preemptive()
        .basic("anyone", "tsk_not-a-key")
        .get("/sdapi/v1/sd-models")
        .then()
        .statusCode(401)
        .body("detail", equalTo("the API key is unknown or revoked"));
  }

  @Test
  void modelsAndSamplersAreListedAsA1111ListsThem() {
    given()
        .get("/sdapi/v1/sd-models")
        .then()
        .statusCode(200)
        .body("title", equalTo(List.of(GatewayServices.MODEL, GatewayServices.OTHER_MODEL)))
        .body("model_name[0]", equalTo(GatewayServices.MODEL))
        .body("[0]", org.hamcrest.Matchers.hasKey("sha256"))
        .body("hash[0]", nullValue());
    given()
        .get("/sdapi/v1/samplers")
        .then()
        .statusCode(200)
        .body("name", hasItem("DPM++ 2M Karras"))
        .body("find { it.name == 'Euler a' }.aliases", hasItem("k_euler_a"))
        .body("find { it.name == 'DPM++ 2M Karras' }.options.scheduler", equalTo("karras"));
  }

  @Test
  void progressFollowsTheRunningImagesAndInterruptCancelsThem() throws Exception {
    given()
        .get("/sdapi/v1/progress")
        .then()
        .statusCode(200)
        .body("progress", equalTo(0f))
        .body("state.job_count", equalTo(0))
        .body("current_image", nullValue());
    CompletableFuture<JsonNode> pending =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return txt2img(
                    "{\"prompt\": \"a slow one "
                        + FakeFarm.HOLD
                        + "\", \"batch_size\": 2,"
                        + " \"steps\": 20}");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    awaitRunning("a slow one " + FakeFarm.HOLD, 2);
    given()
        .get("/sdapi/v1/progress")
        .then()
        .statusCode(200)
        .body("state.job_count", equalTo(2))
        .body("state.job_no", equalTo(0))
        .body("state.sampling_step", equalTo(5))
        .body("state.sampling_steps", equalTo(20))
        .body("state.interrupted", equalTo(false))
        .body("progress", equalTo(0.26f));

    given().post("/sdapi/v1/interrupt").then().statusCode(200).body(equalTo("{}"));
    JsonNode answer = pending.get(10, TimeUnit.SECONDS);
    assertEquals(0, answer.get("images").size(), "both images were cancelled before they ended");
    assertEquals(
        List.of("CANCELED", "CANCELED"),
        jobs("a slow one " + FakeFarm.HOLD).stream().map(j -> j.get("state")).toList());
    given().get("/sdapi/v1/progress").then().body("state.job_count", equalTo(0));
  }

  /** Waits until the fake farm holds all {@code count} jobs of {@code prompt} running. */
  private void awaitRunning(String prompt, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<Object> states = jobs(prompt).stream().map(j -> j.get("state")).toList();
      if (states.size() == count && states.stream().allMatch("RUNNING"::equals)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the txt2img's jobs never all ran: " + states);
      }
      Thread.sleep(50);
    }
  }

  private RequestSpecification given() {
    return RestAssured.given().header("Authorization", "Bearer " + tenant.key());
  }

  private ValidatableResponse post(String body) {
    return given().contentType(ContentType.JSON).body(body).post("/sdapi/v1/txt2img").then();
  }

  private JsonNode txt2img(String body) throws Exception {
    String answer = post(body).statusCode(200).contentType(ContentType.JSON).extract().asString();
    return mapper.readTree(answer);
  }

  private void assertInvalid(String body, String field) {
    post(body)
        .statusCode(422)
        .contentType(ContentType.JSON)
        .body("detail[0].loc", equalTo(List.of("body", field)))
        .body("detail[0].type", equalTo("value_error"));
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = SdApiTest.class.getResourceAsStream("/a1111/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertImages(JsonNode answer, int count, int width, int height)
      throws Exception {
    assertEquals(count, answer.get("images").size());
    for (JsonNode image : answer.get("images")) {
      BufferedImage decoded =
          ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(image.asText())));
      assertEquals(width, decoded.getWidth());
      assertEquals(height, decoded.getHeight());
    }
  }

  private static List<Long> longs(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asLong)
        .toList();
  }

  private static void assertJob(
      Map<String, Object> job,
      String model,
      String scheduler,
      boolean karras,
      String upscale,
      long seed) {
    assertEquals(model, job.get("model"));
    assertEquals(scheduler, job.get("scheduler"));
    assertEquals(Boolean.toString(karras), job.get("karras"));
    assertEquals(upscale, job.get("upscale"));
    assertEquals(seed, job.get("seed"));
  }

  private List<Map<String, Object>> jobs(String prompt) throws Exception {
    return sql.rows(
        """
        SELECT model, upscale, state, settings->>'scheduler' AS scheduler,
               settings->>'karras' AS karras, (settings->>'seed')::bigint AS seed,
               (settings->>'steps')::int AS steps, settings->>'guidance' AS guidance,
               settings->>'negative_prompt' AS negative_prompt,
               (settings->>'width')::int AS width, (settings->>'height')::int AS height
        FROM jobs WHERE tenant_id = ? AND settings->>'prompt' = ? ORDER BY id""",
        tenant.tenant().id(),
        prompt);
  }
}
