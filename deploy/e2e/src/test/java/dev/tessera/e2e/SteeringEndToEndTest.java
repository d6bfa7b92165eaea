package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LocalFarm;
import dev.tessera.deploy.farm.LoraOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job with a LoRA adapter, a weighted prompt and a prompt past 77 tokens through the whole farm:
 * the gateway takes {@code loras}, the job's settings carry them to a worker, which reads the
 * adapter from its {@code TESSERA_LORA_DIR} and renders with it; one it has nowhere fails the job.
 * Models and the adapter are untrained miniatures (they prove the path, not a look).
 */
class SteeringEndToEndTest {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

  @TempDir static Path state;
  private static LocalFarm farm;
  private static FarmClient client;

  @BeforeAll
  static void start() throws Exception {
    Path loras = Files.createDirectory(state.resolve("loras"));
    Files.write(loras.resolve("film-grain.safetensors"), adapter());
    FarmHome checkout = FarmHome.current();
    farm = LocalFarm.start(new FarmHome(checkout.root(), state), LocalFarm.Options.defaults(0));
    farm.addWorkers(1, Map.of("TESSERA_LORA_DIR", loras.toString()));
    client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  /** A rank-2 kohya adapter on the miniature UNet's cross-attention query, written by hand. */
  private static byte[] adapter() {
    int n = 2 * 64;
    String header =
        "{\"lora_unet_mid_block_attention_attn2_q.lora_down.weight\":{\"dtype\":\"F32\","
            + "\"shape\":[2,64],\"data_offsets\":[0,"
            + n * 4
            + "]},\"lora_unet_mid_block_attention_attn2_q.lora_up.weight\":{\"dtype\":\"F32\","
            + "\"shape\":[64,2],\"data_offsets\":["
            + n * 4
            + ","
            + n * 8
            + "]}}";
    byte[] head = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer file = ByteBuffer.allocate(8 + head.length + n * 8).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(head.length).put(head);
    for (int i = 0; i < 2 * n; i++) {
      file.putFloat((i % 7 - 3) * 0.1f);
    }
    return file.array();
  }

  private static ObjectNode job(String prompt, List<String> loras) {
    ObjectNode job =
        FarmClient.request(prompt)
            .put("steps", 3)
            .put("seed", 5)
            .put("width", 64)
            .put("height", 64)
            .put("upscale", "none");
    job.set("loras", LoraOptions.toJson(loras));
    return job;
  }

  @Test
  void aJobRendersWithItsAdapterWeightedAndLongPrompt() throws Exception {
    String prompt = "a harbour at night, (rain:1.3), [fog], " + "old boats, ".repeat(30);
    JsonNode done =
        client.awaitEnd(
            client.submit(job(prompt, List.of("film-grain:0.8"))), JOB_TIMEOUT, s -> {});
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    List<String> stages =
        StreamSupport.stream(done.path("timings").spliterator(), false)
            .map(t -> t.path("stage").asText())
            .toList();
    assertTrue(stages.contains("lora"), stages.toString());
    assertEquals("film-grain", done.path("request").path("loras").path(0).path("name").asText());
    assertTrue(client.download(done).length > 0);
  }

  @Test
  void aMissingAdapterFailsTheJobForGoodNamingIt() throws Exception {
    JsonNode done =
        client.awaitEnd(client.submit(job("a harbour", List.of("absent"))), JOB_TIMEOUT, s -> {});
    assertEquals("FAILED", done.path("state").asText(), done.toString());
    assertEquals(1, done.path("attempts").asInt(), "not retried: " + done);
    assertTrue(done.path("error").toString().contains("LoRA adapter absent"), done.toString());
  }
}
