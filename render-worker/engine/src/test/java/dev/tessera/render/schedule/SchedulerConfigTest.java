package dev.tessera.render.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerConfigTest {

  @Test
  void readsTheSd2Config() {
    SchedulerConfig config = Sd2Configs.vPrediction();
    assertEquals("DDIMScheduler", config.className());
    assertEquals(1000, config.numTrainTimesteps());
    assertEquals(0.00085, config.betaStart());
    assertEquals(0.012, config.betaEnd());
    assertEquals(BetaSchedule.SCALED_LINEAR, config.betaSchedule());
    assertEquals(PredictionType.V_PREDICTION, config.predictionType());
    assertNull(config.timestepSpacing());
    assertEquals(1, config.stepsOffset());
    assertFalse(config.setAlphaToOne());
    assertFalse(config.clipSample());
    assertFalse(config.useKarrasSigmas());
  }

  @Test
  void absentKeysTakeDiffusersDefaultsAndUnknownKeysAreIgnored() {
    SchedulerConfig config =
        SchedulerConfig.parse("{\"skip_prk_steps\": true, \"variance_type\": null}");
    assertNull(config.className());
    assertEquals(1000, config.numTrainTimesteps());
    assertEquals(0.0001, config.betaStart());
    assertEquals(0.02, config.betaEnd());
    assertEquals(BetaSchedule.LINEAR, config.betaSchedule());
    assertEquals(PredictionType.EPSILON, config.predictionType());
    assertEquals(0, config.stepsOffset());
    assertTrue(config.setAlphaToOne());
    assertTrue(config.clipSample());
    assertEquals(1.0, config.clipSampleRange());
  }

  @Test
  void readsSpacingAndKarrasFlag() {
    SchedulerConfig config =
        SchedulerConfig.parse(
            "{\"timestep_spacing\": \"trailing\", "
                + "\"use_karras_sigmas\": true, \"beta_schedule\": \"squaredcos_cap_v2\"}");
    assertEquals(Spacing.TRAILING, config.timestepSpacing());
    assertTrue(config.useKarrasSigmas());
    assertEquals(BetaSchedule.SQUAREDCOS_CAP_V2, config.betaSchedule());
  }

  @Test
  void malformedJsonNamesTheProblemAndPlace() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SchedulerConfig.parse("{\"beta_start\": 0.00085,,}"));
    assertTrue(e.getMessage().startsWith("scheduler_config.json: malformed JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }

  @Test
  void nonObjectIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.parse("[1, 2]"));
    assertEquals("scheduler_config.json: expected a JSON object, got array", e.getMessage());
  }

  @Test
  void badValuesNameTheKeyAndTheAllowedValues() {
    assertMessage(
        "scheduler_config.json: beta_schedule 'foo' is not one of "
            + "linear, scaled_linear, squaredcos_cap_v2",
        "{\"beta_schedule\": \"foo\"}");
    assertMessage(
        "scheduler_config.json: prediction_type 'sample' is not one of epsilon, v_prediction",
        "{\"prediction_type\": \"sample\"}");
    assertMessage(
        "scheduler_config.json: timestep_spacing 'even' is not one of leading, linspace, trailing",
        "{\"timestep_spacing\": \"even\"}");
    assertMessage(
        "scheduler_config.json: num_train_timesteps must be an integer, got \"1000\"",
        "{\"num_train_timesteps\": \"1000\"}");
    assertMessage(
        "scheduler_config.json: set_alpha_to_one must be true or false, got 0",
        "{\"set_alpha_to_one\": 0}");
    assertMessage(
        "scheduler_config.json: beta_end must be in (0, 1), got 1.5", "{\"beta_end\": 1.5}");
    assertMessage(
        "scheduler_config.json: steps_offset must not be negative, got -1",
        "{\"steps_offset\": -1}");
  }

  @Test
  void unsupportedScheduleChangesAreRejectedRatherThanIgnored() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SchedulerConfig.parse("{\"trained_betas\": [0.1, 0.2]}"));
    assertTrue(e.getMessage().startsWith("scheduler_config.json: trained_betas: "), e.getMessage());
    assertMessage(
        "scheduler_config.json: rescale_betas_zero_snr true is not supported",
        "{\"rescale_betas_zero_snr\": true}");
  }

  @Test
  void readNamesTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("scheduler_config.json");
    Files.writeString(file, "{\"beta_schedule\": \"cosine\"}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.read(file));
    assertTrue(e.getMessage().startsWith(file + ": beta_schedule 'cosine'"), e.getMessage());

    Files.writeString(file, "{\"prediction_type\": \"v_prediction\"}");
    assertEquals(PredictionType.V_PREDICTION, SchedulerConfig.read(file).predictionType());
    assertThrows(IOException.class, () -> SchedulerConfig.read(dir.resolve("missing.json")));
  }

  @Test
  void spacingParsesDiffusersNamesOnly() {
    assertEquals(Spacing.LINSPACE, Spacing.parse("linspace"));
    assertEquals("leading", Spacing.LEADING.configName());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Spacing.parse("LEADING"));
    assertEquals(
        "timestep spacing 'LEADING' is not one of leading, linspace, trailing", e.getMessage());
  }

  private static void assertMessage(String expected, String json) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.parse(json));
    assertEquals(expected, e.getMessage());
  }
}
