package dev.tessera.common;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static final UUID ID = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
  private static final Instant AT = Instant.parse("2026-03-01T12:00:00.123456Z");

  private static <T> void roundTrip(T value, Class<T> type) {
    assertEquals(value, Json.decode(Json.encode(value), type));
  }

  private static String text(Object value) {
    return new String(Json.encode(value), UTF_8);
  }

  @Test
  void renderJobRoundTripsWithSnakeCaseNames() {
    RenderSettings settings =
        new RenderSettings("a red fox", "blurry", 42, 30, 6.5, "dpmpp-2m", true, 768, 512);
    RenderJob job = new RenderJob(ID, "sd21", settings, "x4", 2048, AT, 1);
    roundTrip(job, RenderJob.class);
    String json = text(job);
    assertTrue(json.contains("\"job_id\":\"" + ID + "\""), json);
    assertTrue(json.contains("\"target_size\":2048"), json);
    assertTrue(json.contains("\"negative_prompt\":\"blurry\""), json);
    assertTrue(json.contains("\"submitted_at\":\"2026-03-01T12:00:00.123456Z\""), json);
  }

  @Test
  void everyEventRoundTripsThroughTheInterface() {
    List<JobEvent> events =
        List.of(
            new JobEvent.Started(ID, "gpu-0", 1, AT),
            new JobEvent.Progress(ID, "gpu-0", 1, 12, 25, AT),
            new JobEvent.Succeeded(
                ID,
                "gpu-0",
                1,
                "results/" + ID + ".png",
                List.of(
                    new StageTimings.Entry("denoise", 812.5, ""),
                    new StageTimings.Entry("upscale", 90.25, "16 tiles")),
                AT),
            new JobEvent.Failed(ID, "gpu-0", 2, "CUDA out of memory", true, AT),
            new JobEvent.Canceled(ID, "gpu-0", 1, AT));
    for (JobEvent e : events) {
      roundTrip(e, JobEvent.class);
    }
  }

  @Test
  void eventsCarryTheirTypeAndSnakeCaseNames() {
    String started = text(new JobEvent.Started(ID, "gpu-0", 3, AT));
    assertTrue(started.contains("\"type\":\"started\""), started);
    assertTrue(started.contains("\"worker_id\":\"gpu-0\""), started);
    String succeeded =
        text(
            new JobEvent.Succeeded(
                ID, "w", 1, "k", List.of(new StageTimings.Entry("png", 1, "")), AT));
    assertTrue(succeeded.contains("\"type\":\"succeeded\""), succeeded);
    assertTrue(succeeded.contains("\"object_key\":\"k\""), succeeded);
    assertTrue(
        succeeded.contains("\"timings\":[{\"stage\":\"png\",\"millis\":1.0,\"detail\":\"\"}]"),
        succeeded);
    assertTrue(
        text(new JobEvent.Failed(ID, "w", 1, "r", false, AT)).contains("\"retryable\":false"));
  }

  @Test
  void aCancelRoundTripsThroughTheInterfaceWithItsType() {
    ControlMessage cancel = new ControlMessage.Cancel(ID, AT);
    roundTrip(cancel, ControlMessage.class);
    String json = text(cancel);
    assertTrue(json.contains("\"type\":\"cancel\""), json);
    assertTrue(json.contains("\"requested_at\":\"2026-03-01T12:00:00.123456Z\""), json);
    assertTrue(text(new JobEvent.Canceled(ID, "w", 1, AT)).contains("\"type\":\"canceled\""));
  }

  @Test
  void aControlMessageOfAnUnknownKindIsRefused() {
    String json = "{\"type\":\"drain\",\"job_id\":\"" + ID + "\"}";
    assertThrows(
        Json.MalformedException.class,
        () -> Json.decode(json.getBytes(UTF_8), ControlMessage.class));
  }

  @Test
  void readsWhatANewerWriterSends() {
    String json =
        "{\"type\":\"started\",\"job_id\":\""
            + ID
            + "\",\"worker_id\":\"w\",\"attempt\":2,"
            + "\"at\":\"2026-03-01T12:00:00Z\",\"gpu\":\"L4\"}";
    assertEquals(
        new JobEvent.Started(ID, "w", 2, Instant.parse("2026-03-01T12:00:00Z")),
        Json.decode(json.getBytes(UTF_8), JobEvent.class));
  }

  @Test
  void malformedInputIsNamed() {
    assertMalformed("{\"type\":\"started\"", JobEvent.class, "JobEvent");
    assertMalformed(
        "{\"type\":\"exploded\",\"job_id\":\"" + ID + "\"}", JobEvent.class, "exploded");
    assertMalformed("{\"job_id\":\"" + ID + "\"}", JobEvent.class, "type");
    assertMalformed(
        "{\"type\":\"started\",\"worker_id\":\"w\",\"attempt\":1,\"at\":\"2026-03-01T12:00:00Z\"}",
        JobEvent.class,
        "job_id is required");
    assertMalformed(
        "{\"type\":\"started\",\"job_id\":\""
            + ID
            + "\",\"worker_id\":\"w\",\"at\":\"2026-03-01T12:00:00Z\"}",
        JobEvent.class,
        "attempt must be at least 1");
    assertMalformed(
        "{\"type\":\"progress\",\"job_id\":\""
            + ID
            + "\",\"worker_id\":\"w\",\"attempt\":1,"
            + "\"step\":\"many\",\"total\":25,\"at\":\"2026-03-01T12:00:00Z\"}",
        JobEvent.class,
        "step");
    assertMalformed("{\"job_id\":\"not-a-uuid\"}", RenderJob.class, "job_id");
    assertThrows(Json.MalformedException.class, () -> Json.decode(null, RenderJob.class));
  }

  private static void assertMalformed(String json, Class<?> type, String expected) {
    var e =
        assertThrows(Json.MalformedException.class, () -> Json.decode(json.getBytes(UTF_8), type));
    assertTrue(e.getMessage().startsWith("cannot read " + type.getSimpleName()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
