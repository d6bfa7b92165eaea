package dev.tessera.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.compat.FakeFarm;
import dev.tessera.gateway.compat.TestTenants;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.NodeClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm package, unmodified (pinned in {@code
 * src/test/node/openai-client}), against the gateway: images as base64 and as URLs, the model list,
 * and a refused parameter, with a {@link FakeFarm} standing in for the scheduler and the workers.
 * Skipped where {@code node} or {@code npm} is missing.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class OpenAiSdkTest {
  @GatewayServices.Services ServiceStack services;
  @Inject DataSource dataSource;
  @Inject TenantStore tenants;
  @Inject ObjectMapper mapper;

  @TestHTTPResource("/v1")
  URL api;

  @Test
  void theOfficialSdkGeneratesImagesAsBase64AndUrlsAndListsTheModels() throws Exception {
    assumeTrue(NodeClient.available(), "node and npm are needed to run the OpenAI SDK");
    NodeClient client =
        NodeClient.install(Path.of("src/test/node/openai-client"), Path.of("target/openai-client"));
    TenantStore.Created tenant = TestTenants.create(tenants, "openai-sdk", 1_000);
    long before = Instant.now().getEpochSecond();
    String out;
    try (FakeFarm farm =
        new FakeFarm(dataSource, services, GatewayServices.BUCKET, tenant.tenant().id())) {
      out =
          client.node(
              "openai-client.mjs",
              Map.of("OPENAI_BASE_URL", api.toString(), "OPENAI_API_KEY", tenant.key()),
              Duration.ofMinutes(2));
    }
    JsonNode seen = mapper.readTree(out);

    JsonNode base64 = seen.get("base64");
    assertTrue(base64.get("created").asLong() >= before, out);
    assertEquals(2, base64.get("images").size(), out);
    for (JsonNode image : base64.get("images")) {
      assertTrue(image.get("png").asBoolean(), out);
      assertEquals(256, image.get("width").asInt(), out);
      assertEquals(256, image.get("height").asInt(), out);
      assertEquals(
          "a lighthouse at dusk, from the openai sdk", image.get("revised_prompt").asText());
    }

    JsonNode downloaded = seen.get("urls").get("images").get(0);
    assertEquals(200, downloaded.get("status").asInt(), out);
    assertTrue(downloaded.get("png").asBoolean(), out);
    assertEquals(1024, downloaded.get("width").asInt(), out);

    assertEquals(
        mapper.readTree(
            """
            [{"id": "%s", "object": "model", "owned_by": "tessera"},
             {"id": "%s", "object": "model", "owned_by": "tessera"}]"""
                .formatted(GatewayServices.MODEL, GatewayServices.OTHER_MODEL)),
        seen.get("models"));

    JsonNode refused = seen.get("refused");
    assertTrue(refused.get("is_bad_request").asBoolean(), out);
    assertEquals(400, refused.get("status").asInt());
    assertEquals("invalid_request_error", refused.get("type").asText());
    assertEquals("n", refused.get("param").asText());
  }
}
