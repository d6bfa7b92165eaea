package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.OrtTestTensors.allFinite;
import static dev.tessera.render.miniature.OrtTestTensors.floats;
import static dev.tessera.render.miniature.OrtTestTensors.gaussian;
import static dev.tessera.render.miniature.OrtTestTensors.inputInfo;
import static dev.tessera.render.miniature.OrtTestTensors.ints;
import static dev.tessera.render.miniature.OrtTestTensors.maxAbsDifference;
import static dev.tessera.render.miniature.OrtTestTensors.open;
import static dev.tessera.render.miniature.OrtTestTensors.outputInfo;
import static dev.tessera.render.miniature.OrtTestTensors.read;
import static dev.tessera.render.miniature.OrtTestTensors.rms;
import static dev.tessera.render.miniature.OrtTestTensors.timestep;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind's bundle: files, configs, and each model's I/O contract and forward pass in ONNX
 * Runtime.
 */
class MiniatureBundleTest {
  static final List<String> LAYOUT =
      List.of(
          "model_index.json",
          "scheduler/scheduler_config.json",
          "tokenizer/vocab.json",
          "tokenizer/merges.txt",
          "tokenizer/tokenizer_config.json",
          "tokenizer/special_tokens_map.json",
          "text_encoder/model.onnx",
          "text_encoder/config.json",
          "unet/model.onnx",
          "vae_decoder/model.onnx",
          "vae_decoder/config.json",
          "vae_encoder/model.onnx",
          "vae_encoder/config.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TOKENS = 77;
  private static final int LATENT = 32;

  /** The contract from the brief, written out independently of the generator's own tables. */
  record Contract(
      MiniatureKind kind,
      boolean fp16,
      OnnxJavaType inputIds,
      OnnxJavaType timestep,
      long[] timestepShape,
      long unetBatch,
      int hidden,
      String encoderOutput,
      long encoderChannels,
      String scheduler,
      String prediction,
      String padToken) {

    OnnxJavaType floatType() {
      return fp16 ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
    }

    @Override
    public String toString() {
      return kind.cliName() + (fp16 ? " fp16" : "");
    }
  }

  static Stream<Contract> contracts() {
    long dynamic = -1;
    return Stream.of(
        new Contract(
            MiniatureKind.SD2,
            false,
            OnnxJavaType.INT32,
            OnnxJavaType.INT64,
            new long[] {1},
            dynamic,
            64,
            "latent_parameters",
            8,
            "PNDMScheduler",
            "epsilon",
            "!"),
        new Contract(
            MiniatureKind.SD2_V,
            false,
            OnnxJavaType.INT64,
            OnnxJavaType.FLOAT,
            new long[0],
            dynamic,
            64,
            "latent_parameters",
            8,
            "DDIMScheduler",
            "v_prediction",
            "!"),
        new Contract(
            MiniatureKind.SD1,
            false,
            OnnxJavaType.INT32,
            OnnxJavaType.FLOAT,
            new long[] {1},
            1,
            48,
            "latent_sample",
            4,
            "PNDMScheduler",
            "epsilon",
            "<|endoftext|>"),
        new Contract(
            MiniatureKind.SD2,
            true,
            OnnxJavaType.INT32,
            OnnxJavaType.FLOAT16,
            new long[] {1},
            dynamic,
            64,
            "latent_parameters",
            8,
            "PNDMScheduler",
            "epsilon",
            "!"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void writesEveryFileWithTheConfigsOfItsKind(Contract contract, @TempDir Path dir)
      throws IOException {
    MiniatureBundle.write(contract.kind(), contract.fp16(), dir, null);

    for (String file : LAYOUT) {
      assertTrue(Files.isRegularFile(dir.resolve(file)), file);
    }
    JsonNode index = json(dir, "model_index.json");
    assertEquals("ORTStableDiffusionPipeline", index.get("_class_name").asText());
    assertTrue(index.has("_diffusers_version"));
    assertTrue(
        index.get("_tessera_miniature").asText().contains("proves the pipeline, not the pictures"));
    assertEquals(contract.scheduler(), index.get("scheduler").get(1).asText());

    JsonNode scheduler = json(dir, "scheduler/scheduler_config.json");
    assertEquals(contract.scheduler(), scheduler.get("_class_name").asText());
    assertEquals(contract.prediction(), scheduler.get("prediction_type").asText());
    assertEquals(0.00085, scheduler.get("beta_start").asDouble());
    assertEquals(0.012, scheduler.get("beta_end").asDouble());
    assertEquals("scaled_linear", scheduler.get("beta_schedule").asText());
    assertEquals(1000, scheduler.get("num_train_timesteps").asInt());
    assertEquals(1, scheduler.get("steps_offset").asInt());
    assertFalse(scheduler.get("set_alpha_to_one").asBoolean());
    assertFalse(scheduler.get("clip_sample").asBoolean());
    assertTrue(scheduler.get("skip_prk_steps").asBoolean());
    assertFalse(scheduler.has("timestep_spacing"));
    assertTrue(
        Files.readString(dir.resolve("scheduler/scheduler_config.json")).contains("0.00085"));

    JsonNode tokenizer = json(dir, "tokenizer/tokenizer_config.json");
    assertEquals(contract.padToken(), tokenizer.get("pad_token").asText());
    assertEquals("<|startoftext|>", tokenizer.get("bos_token").asText());
    assertEquals("<|endoftext|>", tokenizer.get("eos_token").asText());
    assertEquals(TOKENS, tokenizer.get("model_max_length").asInt());
    assertEquals(
        contract.padToken(),
        json(dir, "tokenizer/special_tokens_map.json").get("pad_token").asText());

    JsonNode textConfig = json(dir, "text_encoder/config.json");
    assertEquals(contract.hidden(), textConfig.get("hidden_size").asInt());
    assertEquals(json(dir, "tokenizer/vocab.json").size(), textConfig.get("vocab_size").asInt());
    for (String vae : List.of("vae_decoder", "vae_encoder")) {
      assertEquals(0.18215, json(dir, vae + "/config.json").get("scaling_factor").asDouble(), vae);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void modelsHaveTheContractOfTheirKindAndRunInOnnxRuntime(Contract contract, @TempDir Path dir)
      throws Exception {
    MiniatureBundle.write(contract.kind(), contract.fp16(), dir, null);
    float[] hiddenStates = checkTextEncoder(contract, dir);
    checkUnet(contract, dir, hiddenStates);
    checkVaeDecoder(contract, dir);
    checkVaeEncoder(contract, dir);
  }

  /** Runs two prompts that differ from position 3 on; returns the hidden states, [2, 77, H]. */
  private static float[] checkTextEncoder(Contract contract, Path dir) throws Exception {
    JsonNode vocab = json(dir, "tokenizer/vocab.json");
    long bos = vocab.get("<|startoftext|>").asLong();
    long eos = vocab.get("<|endoftext|>").asLong();
    long pad = vocab.get(contract.padToken()).asLong();
    long[] ids = new long[2 * TOKENS];
    Arrays.fill(ids, pad);
    long[][] prompts = {{bos, 40, 41, 42, eos}, {bos, 40, 41, 60, 61, eos}};
    for (int p = 0; p < 2; p++) {
      System.arraycopy(prompts[p], 0, ids, p * TOKENS, prompts[p].length);
    }

    try (OrtSession session = open(dir.resolve("text_encoder/model.onnx"))) {
      TensorInfo idsInfo = inputInfo(session, "input_ids");
      assertEquals(List.of("input_ids"), List.copyOf(session.getInputNames()));
      assertEquals(contract.inputIds(), idsInfo.type);
      assertArrayEquals(new long[] {-1, TOKENS}, idsInfo.getShape());
      assertEquals("batch", idsInfo.getDimensionNames()[0]);
      assertEquals(contract.floatType(), outputInfo(session, "last_hidden_state").type);
      assertEquals(contract.floatType(), outputInfo(session, "pooler_output").type);

      try (OnnxTensor input = ints(idsInfo, ids, 2, TOKENS);
          OrtSession.Result result = session.run(Map.of("input_ids", input))) {
        OnnxTensor last = (OnnxTensor) result.get("last_hidden_state").orElseThrow();
        OnnxTensor pooled = (OnnxTensor) result.get("pooler_output").orElseThrow();
        int h = contract.hidden();
        assertArrayEquals(new long[] {2, TOKENS, h}, last.getInfo().getShape());
        assertArrayEquals(new long[] {2, h}, pooled.getInfo().getShape());
        float[] states = read(last);
        float[] pooledValues = read(pooled);
        assertTrue(allFinite(states));
        // pooler_output is the state at the last position
        for (int b = 0; b < 2; b++) {
          float[] lastRow =
              Arrays.copyOfRange(states, (b * TOKENS + TOKENS - 1) * h, (b * TOKENS + TOKENS) * h);
          assertArrayEquals(lastRow, Arrays.copyOfRange(pooledValues, b * h, (b + 1) * h), 1e-6f);
        }
        // causal attention: the prompts agree before position 3, so their states do too, and differ
        // from there on
        double tolerance = contract.fp16() ? 2e-3 : 1e-5;
        assertTrue(maxAbsDifference(row(states, 0, 2, h), row(states, 1, 2, h)) <= tolerance);
        assertTrue(maxAbsDifference(row(states, 0, 3, h), row(states, 1, 3, h)) > 0.01);
        assertTrue(maxAbsDifference(row(states, 0, 70, h), row(states, 1, 70, h)) > 0.01);
        return states;
      }
    }
  }

  private static void checkUnet(Contract contract, Path dir, float[] hiddenStates)
      throws Exception {
    try (OrtSession session = open(dir.resolve("unet/model.onnx"))) {
      assertEquals(
          List.of("sample", "timestep", "encoder_hidden_states"),
          List.copyOf(session.getInputNames()));
      TensorInfo sampleInfo = inputInfo(session, "sample");
      TensorInfo timestepInfo = inputInfo(session, "timestep");
      TensorInfo contextInfo = inputInfo(session, "encoder_hidden_states");
      long batchDim = contract.unetBatch();
      assertEquals(contract.floatType(), sampleInfo.type);
      assertArrayEquals(new long[] {batchDim, 4, -1, -1}, sampleInfo.getShape());
      assertEquals(contract.timestep(), timestepInfo.type);
      assertArrayEquals(contract.timestepShape(), timestepInfo.getShape());
      assertEquals(contract.floatType(), contextInfo.type);
      // A dynamic batch comes with a dynamic token axis (prompts past 77 tokens), as in optimum.
      long contextTokens = batchDim == 1 ? TOKENS : -1;
      assertArrayEquals(
          new long[] {batchDim, contextTokens, contract.hidden()}, contextInfo.getShape());
      TensorInfo outInfo = outputInfo(session, "out_sample");
      assertEquals(contract.floatType(), outInfo.type);
      assertArrayEquals(new long[] {batchDim, 4, -1, -1}, outInfo.getShape());

      int batch = batchDim == 1 ? 1 : 2;
      int promptSize = TOKENS * contract.hidden();
      float[] first = Arrays.copyOf(hiddenStates, promptSize);
      float[] second = Arrays.copyOfRange(hiddenStates, promptSize, 2 * promptSize);
      float[] context = batch == 1 ? first : concat(first, second);
      float[] otherContext = batch == 1 ? second : concat(second, first);
      float[] late = unet(session, contract, batch, LATENT, LATENT, 999, context);
      float[] early = unet(session, contract, batch, LATENT, LATENT, 1, context);
      float[] otherPrompt = unet(session, contract, batch, LATENT, LATENT, 999, otherContext);
      for (float[] out : List.of(late, early, otherPrompt)) {
        assertTrue(allFinite(out));
        double rms = rms(out);
        assertTrue(rms > 0.2 && rms < 5, "unit-ish output, rms " + rms);
      }
      assertTrue(maxAbsDifference(late, early) > 0.01, "timestep changes the output");
      assertTrue(
          maxAbsDifference(late, otherPrompt) > 0.001, "text conditioning changes the output");
      // a non-square size that is a multiple of 4 but not of 8
      assertTrue(allFinite(unet(session, contract, batch, 12, 20, 500, context)));
    }
  }

  /** One UNet call on Gaussian latents; checks the output's shape and returns its values. */
  private static float[] unet(
      OrtSession session,
      Contract contract,
      int batch,
      int height,
      int width,
      int t,
      float[] context)
      throws OrtException {
    TensorInfo sampleInfo = inputInfo(session, "sample");
    float[] latents = gaussian(height * 31L + width, batch * 4 * height * width);
    try (OnnxTensor sample = floats(sampleInfo, latents, batch, 4, height, width);
        OnnxTensor time = timestep(inputInfo(session, "timestep"), t);
        OnnxTensor hidden = floats(sampleInfo, context, batch, TOKENS, contract.hidden());
        OrtSession.Result result =
            session.run(
                Map.of("sample", sample, "timestep", time, "encoder_hidden_states", hidden))) {
      OnnxTensor out = (OnnxTensor) result.get("out_sample").orElseThrow();
      assertArrayEquals(new long[] {batch, 4, height, width}, out.getInfo().getShape());
      return read(out);
    }
  }

  private static void checkVaeDecoder(Contract contract, Path dir) throws Exception {
    try (OrtSession session = open(dir.resolve("vae_decoder/model.onnx"))) {
      TensorInfo info = inputInfo(session, "latent_sample");
      assertEquals(List.of("latent_sample"), List.copyOf(session.getInputNames()));
      assertEquals(contract.floatType(), info.type);
      assertArrayEquals(new long[] {-1, 4, -1, -1}, info.getShape());
      assertEquals(contract.floatType(), outputInfo(session, "sample").type);
      try (OnnxTensor latent =
              floats(info, gaussian(3, 2 * 4 * LATENT * LATENT), 2, 4, LATENT, LATENT);
          OrtSession.Result result = session.run(Map.of("latent_sample", latent))) {
        OnnxTensor image = (OnnxTensor) result.get("sample").orElseThrow();
        assertArrayEquals(new long[] {2, 3, 8 * LATENT, 8 * LATENT}, image.getInfo().getShape());
        assertTrue(allFinite(read(image)));
      }
    }
  }

  private static void checkVaeEncoder(Contract contract, Path dir) throws Exception {
    try (OrtSession session = open(dir.resolve("vae_encoder/model.onnx"))) {
      TensorInfo info = inputInfo(session, "sample");
      assertEquals(List.of("sample"), List.copyOf(session.getInputNames()));
      assertEquals(contract.floatType(), info.type);
      assertArrayEquals(new long[] {-1, 3, -1, -1}, info.getShape());
      assertEquals(List.of(contract.encoderOutput()), List.copyOf(session.getOutputNames()));
      int side = 8 * LATENT;
      float[] pixels = gaussian(4, 2 * 3 * side * side);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = Math.max(-1, Math.min(1, pixels[i] / 2));
      }
      try (OnnxTensor image = floats(info, pixels, 2, 3, side, side);
          OrtSession.Result result = session.run(Map.of("sample", image))) {
        OnnxTensor latent = (OnnxTensor) result.get(contract.encoderOutput()).orElseThrow();
        assertEquals(contract.floatType(), latent.getInfo().type);
        assertArrayEquals(
            new long[] {2, contract.encoderChannels(), LATENT, LATENT},
            latent.getInfo().getShape());
        assertTrue(allFinite(read(latent)));
      }
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  private static float[] row(float[] states, int batchIndex, int position, int hidden) {
    int start = (batchIndex * TOKENS + position) * hidden;
    return Arrays.copyOfRange(states, start, start + hidden);
  }

  static JsonNode json(Path dir, String file) throws IOException {
    return JSON.readTree(dir.resolve(file).toFile());
  }
}
