package dev.tessera.gateway.batches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.api.MalformedBodyException;
import dev.tessera.gateway.api.StrictJson;
import dev.tessera.gateway.jobs.SubmissionRules;
import dev.tessera.gateway.webhooks.WebhookTargets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading and checking batches, without HTTP or a database. */
class BatchRulesTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private final ObjectMapper mapper = strictMapper();
  private final BatchBodyReader reader = new BatchBodyReader(mapper);
  private final BatchRules rules =
      new BatchRules(
          new SubmissionRules(List.of("sd21", "sd15"), () -> 7L, WebhookTargets.PUBLIC_ONLY),
          mapper);

  private static ObjectMapper strictMapper() {
    ObjectMapper mapper = new ObjectMapper();
    new StrictJson().customize(mapper);
    return mapper;
  }

  private List<BatchJob> json(String body) throws IOException {
    return rules.toJobs(
        reader.readJson(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))), NOW);
  }

  private List<BatchJob> lines(String body) throws IOException {
    return rules.toJobs(
        reader.readLines(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))), NOW);
  }

  private List<FieldProblem> problems(String body) {
    return assertThrows(InvalidBatchException.class, () -> json(body)).problems();
  }

  @Test
  void itemsOverrideDefaultsAndKeepTheirOrder() throws Exception {
    List<BatchJob> jobs =
        json(
            """
            {"items": [{"custom_id": "b", "prompt": "a fox", "steps": 40, "priority": 90},
                       {"prompt": "a wolf", "custom_id": "a", "model": "sd15", "seed": null}],
             "defaults": {"steps": 12, "upscale": "none", "seed": 3, "priority": 10}}""");
    assertEquals(List.of("b", "a"), jobs.stream().map(BatchJob::customId).toList());
    assertEquals(40, jobs.get(0).job().render().settings().steps());
    assertEquals(12, jobs.get(1).job().render().settings().steps());
    assertEquals("none", jobs.get(1).job().render().upscale());
    assertEquals("sd15", jobs.get(1).job().render().model());
    assertEquals(3L, jobs.get(0).job().render().settings().seed());
    assertEquals(
        7L, jobs.get(1).job().render().settings().seed(), "an explicit null clears the default");
    assertEquals(NOW, jobs.get(0).job().render().submittedAt());
    assertEquals(90, jobs.get(0).job().priority());
    assertEquals(10, jobs.get(1).job().priority());
  }

  @Test
  void everyBadFieldOfAnItemIsNamedNotOnlyTheFirst() {
    assertEquals(
        List.of(
            new FieldProblem("items[0].steps", "must be an integer"),
            new FieldProblem("items[0].karras", "must be true or false"),
            new FieldProblem(
                "items[0].colour",
                "unknown field; expected one of guidance, height, karras, loras, model, negative_prompt,"
                    + " priority, prompt, scheduler, seed, steps, upscale, webhook_events,"
                    + " webhook_url, width")),
        problems(
            "{\"items\": [{\"custom_id\": \"a\", \"prompt\": \"x\", \"steps\": \"ten\","
                + " \"karras\": 1, \"colour\": \"red\"}]}"));
  }

  @Test
  void aBadDefaultIsNamedOnceAndKeptOutOfTheJobs() {
    assertEquals(
        List.of(
            new FieldProblem("defaults.steps", "must be an integer"),
            new FieldProblem("defaults.width", "must be a multiple of 8, got 100"),
            new FieldProblem("items[1].width", "must be a multiple of 8, got 12")),
        problems(
            """
            {"defaults": {"steps": "many", "width": 100},
             "items": [{"custom_id": "a", "prompt": "x"}, {"custom_id": "b", "prompt": "y", "width": 12},
                       {"custom_id": "c", "prompt": "z"}]}"""));
  }

  @Test
  void aDefaultWebhookIsEveryJobsUnlessItSetsItsOwn() throws Exception {
    List<BatchJob> jobs =
        json(
            """
            {"defaults": {"webhook_url": "https://93.184.216.34/all", "webhook_events": ["started"]},
             "items": [{"custom_id": "a", "prompt": "x"},
                       {"custom_id": "b", "prompt": "y", "webhook_url": "https://93.184.216.34/b"}]}""");
    assertEquals("https://93.184.216.34/all", jobs.get(0).job().webhook().url());
    assertEquals(List.of("started"), jobs.get(0).job().webhook().eventNames());
    assertEquals("https://93.184.216.34/b", jobs.get(1).job().webhook().url());
    assertEquals(List.of("started"), jobs.get(1).job().webhook().eventNames());
  }

  @Test
  void aPrivateDefaultWebhookIsNamedAsTheDefaults() {
    List<FieldProblem> problems =
        problems(
            """
            {"defaults": {"webhook_url": "http://10.0.0.7/hook"},
             "items": [{"custom_id": "a", "prompt": "x"},
                       {"custom_id": "b", "prompt": "y", "webhook_events": ["done"]}]}""");
    assertEquals(
        List.of("defaults.webhook_url", "items[1].webhook_events[0]"),
        problems.stream().map(FieldProblem::field).toList());
  }

  @Test
  void aRequiredFieldNobodyGaveIsTheItemsProblem() {
    assertEquals(
        List.of(new FieldProblem("items[0].prompt", "must not be empty")),
        problems("{\"defaults\": {\"steps\": 5}, \"items\": [{\"custom_id\": \"a\"}]}"));
  }

  @Test
  void aNulCharacterInACustomIdIsRefused() {
    assertEquals(
        List.of(
            new FieldProblem("items[0].custom_id", "must not contain the NUL character (\\u0000)")),
        problems("{\"items\": [{\"custom_id\": \"a\\u0000\", \"prompt\": \"x\"}]}"));
  }

  @Test
  void problemsBeyondAHundredAreCountedNotListed() {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      items.append(i == 0 ? "" : ",").append("{\"custom_id\": \"").append(i).append("\"}");
    }
    InvalidBatchException e =
        assertThrows(
            InvalidBatchException.class,
            () -> json("{\"defaults\": {\"steps\": 0}, \"items\": [" + items + "]}"));
    // One problem for the default (named once), one missing prompt for each of the 120 jobs.
    assertEquals(BatchRules.MAX_LISTED_PROBLEMS, e.problems().size());
    assertEquals(21, e.unlisted());
    assertEquals(
        List.of(
            new FieldProblem("items[0].prompt", "must not be empty"),
            new FieldProblem("defaults.steps", "must be between 1 and 500, got 0"),
            new FieldProblem("items[1].prompt", "must not be empty")),
        e.problems().subList(0, 3));
  }

  @Test
  void jsonLinesAreNumberedFromOneCountingBlankLines() throws Exception {
    List<BatchJob> jobs =
        lines(
            "\n{\"custom_id\": \"a\", \"prompt\": \"x\"}\r\n\n{\"custom_id\": \"b\", \"prompt\": \"y\"}");
    assertEquals(List.of("a", "b"), jobs.stream().map(BatchJob::customId).toList());
    assertEquals(
        List.of(new FieldProblem("lines[4].steps", "must be between 1 and 500, got 0")),
        assertThrows(
                InvalidBatchException.class,
                () ->
                    lines(
                        "\n{\"custom_id\": \"a\", \"prompt\": \"x\"}\n\n"
                            + "{\"custom_id\": \"b\", \"prompt\": \"y\", \"steps\": 0}\n"))
            .problems());
  }

  @Test
  void twoObjectsOnOneLineAreNotALine() {
    MalformedBodyException e =
        assertThrows(
            MalformedBodyException.class,
            () -> lines("{\"custom_id\": \"a\", \"prompt\": \"x\"} {\"custom_id\": \"b\"}\n"));
    assertEquals(true, e.getMessage().startsWith("line 1 is not valid JSON: "), e.getMessage());
  }
}
