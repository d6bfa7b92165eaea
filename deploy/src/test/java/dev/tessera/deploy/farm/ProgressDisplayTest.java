package dev.tessera.deploy.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final AtomicLong clock = new AtomicLong();

  private static JsonNode status(String state, int step, int total) throws Exception {
    String progress = step < 0 ? "null" : "{\"step\":" + step + ",\"total\":" + total + "}";
    return JSON.readTree(
        "{\"state\":\"" + state + "\",\"progress\":" + progress + ",\"request\":{\"steps\":4}}");
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLineShowsTheBarTheStepAndTheTimeLeft() {
    assertEquals(
        "  denoise  [############------------]    2/4  0:07 left",
        ProgressDisplay.line("denoise", 2, 4, Duration.ofSeconds(7)));
    assertEquals(
        "  upscale  [########################]    6/6  done",
        ProgressDisplay.line("upscale", 6, 6, Duration.ZERO));
    assertEquals(
        "  denoise  [------------------------]    0/4",
        ProgressDisplay.line("denoise", 0, 4, null));
  }

  @Test
  void elsewhereThanATerminalEachStageIsOneLineWhenItEnds() throws Exception {
    ProgressDisplay display =
        new ProgressDisplay(
            new PrintStream(bytes, true, StandardCharsets.UTF_8), false, clock::get);
    display.update(status("QUEUED", -1, 0));
    for (int step = 1; step <= 10; step++) {
      clock.addAndGet(1_000_000_000L);
      display.update(status("RUNNING", step, 10)); // 4 render steps, then 6 of the x4 upscaler
    }
    display.update(status("SUCCEEDED", 10, 10));
    assertEquals(
        String.join(
            "\n",
            "  queued",
            "  denoise  [########################]    4/4  done",
            "  upscale  [########################]    6/6  done",
            "  succeeded",
            ""),
        output());
  }

  @Test
  void aStageThePollsLeftBeforeItsEndIsShownDone() throws Exception {
    ProgressDisplay display =
        new ProgressDisplay(
            new PrintStream(bytes, true, StandardCharsets.UTF_8), false, clock::get);
    display.update(status("RUNNING", 1, 10));
    display.update(status("RUNNING", 7, 10));
    display.update(status("SUCCEEDED", 9, 10));
    assertEquals(
        String.join(
            "\n",
            "  denoise  [########################]    4/4  done",
            "  upscale  [########################]    6/6  done",
            "  succeeded",
            ""),
        output());
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceWithTheTimeLeft() throws Exception {
    ProgressDisplay display =
        new ProgressDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, clock::get);
    display.update(status("RUNNING", 1, 4));
    clock.addAndGet(2_000_000_000L);
    display.update(status("RUNNING", 2, 4));
    assertEquals(
        "\r  denoise  [######------------------]    1/4"
            + "\r  denoise  [############------------]    2/4  0:04 left",
        output());
  }
}
