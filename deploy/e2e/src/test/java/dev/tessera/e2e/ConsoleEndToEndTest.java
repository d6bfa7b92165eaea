package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LocalFarm;
import dev.tessera.teststack.NodeClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser against the whole farm: Debian's Chromium, headless, driven by
 * playwright-core (pinned in {@code src/test/node/console-browser}; no browser download) signs in,
 * submits a job and watches its progress bar reach done, opens its preview and the full image,
 * cancels a job, uploads a batch with a bad line and sees the error by line, a good CSV batch
 * complete, and the operator board. Every control on each page has an accessible name and keyboard
 * focus is visible. Screenshots go to {@code target/console-screenshots/}. Skipped where Chromium
 * or Node.js is missing ({@code .ci/run} installs Chromium where it may).
 */
class ConsoleEndToEndTest {
  private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(8);
  private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
  private static final Duration JOB_WAIT = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path state;
  private static LocalFarm farm;
  private static FarmClient client;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(chromium().isPresent(), "Chromium is needed: apt-get install chromium");
    assumeTrue(NodeClient.available(), "node and npm are needed to drive Chromium");
    FarmHome checkout = FarmHome.current();
    farm = LocalFarm.start(new FarmHome(checkout.root(), state), LocalFarm.Options.defaults(1));
    client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  /** Debian's Chromium: {@code TESSERA_CHROMIUM}, else the package's binary. */
  static Optional<Path> chromium() {
    String named = System.getenv("TESSERA_CHROMIUM");
    return Stream.of(named, "/usr/bin/chromium", "/usr/lib/chromium/chromium")
        .filter(p -> p != null && !p.isBlank())
        .map(Path::of)
        .filter(Files::isExecutable)
        .findFirst();
  }

  @Test
  void aPersonSubmitsWatchesBrowsesCancelsAndUploadsInChromium() throws Exception {
    if (Files.isDirectory(SCREENSHOTS)) {
      try (Stream<Path> old = Files.list(SCREENSHOTS)) {
        for (Path file : old.toList()) {
          Files.delete(file); // only this run's pages, and no failure.png of an earlier one
        }
      }
    }
    // A result past its retention, as the gateway's sweep leaves it.
    String deleted = client.submit(FarmClient.request("a harbour whose image was deleted"));
    assertEquals("SUCCEEDED", client.awaitEnd(deleted, JOB_WAIT, s -> {}).path("state").asText());
    try (Connection db = farm.stack().connect();
        PreparedStatement mark =
            db.prepareStatement(
                "UPDATE jobs SET result_deleted_at = now(), version = version + 1 WHERE id = ?")) {
      mark.setObject(1, UUID.fromString(deleted));
      assertEquals(1, mark.executeUpdate());
    }
    NodeClient browser =
        NodeClient.install(
            Path.of("src/test/node/console-browser"), Path.of("target/console-browser"));
    String out =
        browser.node(
            "console.mjs",
            Map.of(
                "GATEWAY_URL", farm.gatewayUrl(),
                "TESSERA_API_KEY", farm.apiKey(),
                "CHROMIUM", chromium().orElseThrow().toString(),
                "SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString(),
                "DELETED_JOB", deleted),
            SCENARIO_TIMEOUT);
    JsonNode seen = JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
    System.out.println("console: " + seen.toPrettyString());

    assertEquals("en", seen.path("lang").asText());
    assertEquals(List.of(), texts(seen.path("errors")), "no script errors in the pages");
    for (String page : List.of("signIn", "submit", "jobs", "gallery", "viewer", "operator")) {
      assertEquals(
          List.of(), texts(seen.path("unlabelled").path(page)), "unnamed controls on " + page);
    }
    for (JsonNode stop : seen.path("focus")) {
      assertNotEquals("none", stop.path("outline").asText(), "focus visible: " + stop);
      assertTrue(stop.path("width").asDouble() >= 2, "focus outline at least 2 px: " + stop);
    }
    assertEquals("Skip to content", seen.path("focus").get(0).path("text").asText(), "first stop");

    // Signing in: a wrong key is refused; the right one lives in the tab's session only.
    assertTrue(seen.path("wrongKey").asText().contains("unknown or revoked"), seen.toString());
    assertEquals("Signed in as demo (operator)", seen.path("who").asText());
    assertTrue(seen.path("storage").path("session").asBoolean());
    assertEquals(0, seen.path("storage").path("local").asInt());
    assertEquals("", seen.path("storage").path("cookie").asText());
    assertFalse(seen.path("keyInUrl").asBoolean(), "the key never appears in a URL");
    assertTrue(seen.path("afterSignOut").isNull(), "signing out forgets the key");

    // The job the form submitted rendered as asked, and its bar moved live to done.
    JsonNode job = client.status(seen.path("job").asText());
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertEquals(42, job.path("request").path("seed").asLong());
    assertEquals(300, job.path("request").path("steps").asInt());
    assertEquals("sr", job.path("request").path("upscale").asText());
    List<JsonNode> progress =
        StreamSupport.stream(seen.path("progress").spliterator(), false).toList();
    JsonNode last = progress.get(progress.size() - 1);
    assertEquals("SUCCEEDED", last.path("state").asText(), progress.toString());
    assertEquals(last.path("max").asDouble(), last.path("value").asDouble(), progress.toString());
    assertTrue(
        progress.stream()
            .anyMatch(
                p ->
                    p.path("state").asText().equals("RUNNING")
                        && p.path("value").asDouble() > 0
                        && p.path("value").asDouble() < p.path("max").asDouble()),
        "the bar showed steps on the way: " + progress);
    assertTrue(seen.path("timings").asText().contains("denoise"), seen.toString());

    // The gallery loads the gateway's preview, not the 2048 px image; the viewer the full one.
    assertEquals("blob:", seen.path("thumbnail").path("src").asText());
    assertEquals(256, seen.path("thumbnail").path("width").asInt(), seen.toString());
    assertEquals(256, seen.path("thumbnail").path("height").asInt(), seen.toString());
    assertEquals(
        "a lighthouse at dusk, from the console", seen.path("thumbnail").path("alt").asText());
    assertEquals(2048, seen.path("full").path("width").asInt(), seen.toString());
    assertTrue(seen.path("parameters").asText().contains("42"), seen.toString());
    assertTrue(seen.path("download").asText().contains(seen.path("job").asText()));
    assertEquals("42", seen.path("again").path("seed").asText(), "render again keeps the seed");
    assertEquals(
        "a lighthouse at dusk, from the console", seen.path("again").path("prompt").asText());

    // A deleted result: its tile says so and fetches no preview; the viewer shows its parameters.
    JsonNode gone = seen.path("deleted");
    assertEquals(1, gone.path("tiles").asInt(), gone.toString());
    assertTrue(gone.path("text").asText().contains("Image deleted"), gone.toString());
    assertTrue(gone.path("text").asText().contains("a harbour whose image was deleted"));
    assertTrue(gone.path("viewerImageHidden").asBoolean(), gone.toString());
    assertTrue(gone.path("downloadHidden").asBoolean(), gone.toString());
    assertTrue(gone.path("parameters").asText().contains("Image deleted"), gone.toString());
    assertFalse(gone.path("thumbnailRequested").asBoolean(), gone.toString());

    JsonNode cancelled = client.status(seen.path("cancelled").asText());
    assertEquals("CANCELED", cancelled.path("state").asText(), cancelled.toString());
    assertTrue(cancelled.path("result_url").isNull());

    // The bad batch: its one bad line is shown with its number, field and problem.
    JsonNode errors = seen.path("batchErrors");
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(3, errors.get(0).path("line").asInt());
    assertEquals("steps", errors.get(0).path("field").asText());
    assertTrue(errors.get(0).path("text").asText().contains("9999"), errors.toString());
    assertTrue(seen.path("batch").asText().contains("2/2"), seen.path("batch").asText());

    // The operator board shows the farm's worker, throughput and stage times, and the tenant.
    JsonNode board = seen.path("board");
    assertEquals(1, board.path("workers").asInt(), board.toString());
    assertTrue(
        board.path("throughput").asText().matches(".*: [1-9]\\d* in all.*"), board.toString());
    assertTrue(board.path("stages").asText().contains("denoise"), board.toString());
    assertTrue(board.path("stages").asText().contains("queue_wait"), board.toString());
    assertTrue(board.path("tenants").asText().contains("demo"), board.toString());

    for (String page :
        List.of(
            "sign-in",
            "submit",
            "jobs",
            "gallery",
            "viewer",
            "jobs-cancelled",
            "batch-errors",
            "jobs-batch",
            "operator")) {
      Path png = SCREENSHOTS.resolve(page + ".png");
      assertTrue(Files.size(png) > 1_000, "screenshot " + png);
    }
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
