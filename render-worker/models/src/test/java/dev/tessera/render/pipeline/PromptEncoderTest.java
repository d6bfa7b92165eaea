package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.onnx.OnnxSessions;
import dev.tessera.render.text.ClipTokenizer;
import dev.tessera.render.text.PromptTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Weighted and long prompts on the miniature text encoder (untrained), against embeddings computed
 * here by hand from the encoder's raw output.
 */
class PromptEncoderTest {
  private static OnnxSessions sessions;
  private static ClipTokenizer tokenizer;
  private static TextEncoder encoder;

  @BeforeAll
  static void open() throws IOException, OrtException {
    Path bundle = MiniatureFixtures.bundle(MiniatureKind.SD2, false);
    tokenizer = ClipTokenizer.load(bundle.resolve("tokenizer"));
    sessions = new OnnxSessions("prompt-test", ExecutionProvider.Preference.CPU, 0, 1);
    encoder =
        new TextEncoder(
            sessions.env(),
            sessions.load(bundle.resolve("text_encoder/model.onnx"), "text_encoder/model.onnx"));
  }

  @AfterAll
  static void close() {
    sessions.close();
  }

  /** Ids of {@code text} without BOS and EOS. */
  private static int[] contentIds(String text) {
    var t = tokenizer.tokenize(text);
    return Arrays.copyOfRange(t.ids(), 1, 1 + t.tokenCount());
  }

  /** BOS, ids, EOS, pad: one text-encoder row. */
  private static int[] row(int[] content) {
    int[] row = new int[tokenizer.maxLength()];
    Arrays.fill(row, tokenizer.padId());
    row[0] = tokenizer.bosId();
    System.arraycopy(content, 0, row, 1, content.length);
    row[1 + content.length] = tokenizer.eosId();
    return row;
  }

  private static float[] raw(int[] row) throws OrtException {
    return encoder.encode(List.of(row), null).data();
  }

  private static int[] concat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
  }

  @Test
  void plainPromptIsExactlyTheEncoderOutput() throws OrtException {
    PromptEncoder prompts = new PromptEncoder(tokenizer, encoder, -1);
    String prompt = "a lighthouse at dusk, oil painting";
    Embeddings e = prompts.encode(List.of(prompts.tokens(prompt)), null);
    assertEquals(tokenizer.maxLength(), e.tokens());
    assertArrayEquals(raw(tokenizer.tokenize(prompt).ids()), e.data());
  }

  @Test
  void weightsScaleTokensThenRestoreTheMean() throws OrtException {
    PromptEncoder prompts = new PromptEncoder(tokenizer, encoder, -1);
    int[] a = contentIds("a ");
    int[] red = contentIds("red");
    int[] house = contentIds(" house");
    int[] content = concat(a, red, house);
    float[] z = raw(row(content));
    int hidden = z.length / tokenizer.maxLength();
    double before = 0;
    for (float v : z) {
      before += v;
    }
    double[] expected = new double[z.length];
    double after = 0;
    for (int t = 0; t < tokenizer.maxLength(); t++) {
      boolean isRed = t >= 1 + a.length && t < 1 + a.length + red.length;
      double w = isRed ? 1.5 : 1.0;
      for (int h = 0; h < hidden; h++) {
        expected[t * hidden + h] = z[t * hidden + h] * w;
        after += expected[t * hidden + h];
      }
    }
    Embeddings e = prompts.encode(List.of(prompts.tokens("a (red:1.5) house")), null);
    float[] actual = e.data();
    double maxError = 0;
    boolean changed = false;
    for (int i = 0; i < z.length; i++) {
      maxError = Math.max(maxError, Math.abs(expected[i] * before / after - actual[i]));
      changed |= actual[i] != z[i];
    }
    assertTrue(maxError < 1e-4, "max error " + maxError);
    assertTrue(changed, "the weight changed the embedding");
    double mean = 0;
    for (float v : actual) {
      mean += v;
    }
    assertEquals(before / z.length, mean / z.length, 1e-6, "the chunk's mean is restored");
  }

  @Test
  void squareBracketsWeakenAndEscapesAreLiteral() throws OrtException {
    PromptEncoder prompts = new PromptEncoder(tokenizer, encoder, -1);
    PromptTokens weak = prompts.tokens("[blur] photo");
    float[] weights = weak.weights().get(0);
    int[] blur = contentIds("blur");
    for (int t = 1; t <= blur.length; t++) {
      assertEquals((float) (1 / 1.1), weights[t], 1e-7);
    }
    assertEquals(1f, weights[1 + blur.length]);
    PromptTokens escaped = prompts.tokens("\\(photo\\)");
    assertFalse(escaped.weighted());
    assertArrayEquals(tokenizer.tokenize("(photo)").ids(), escaped.chunks().get(0));
  }

  @Test
  void longPromptsAreChunksOf75EncodedSeparatelyAndConcatenated() throws OrtException {
    PromptEncoder prompts = new PromptEncoder(tokenizer, encoder, -1);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      words.add(i % 2 == 0 ? "mountain" : "rain");
    }
    String prompt = String.join(" ", words);
    // CLIP tokenizes word by word, so the prompt's ids are its words' ids in a row.
    int[] content =
        words.stream().map(w -> contentIds(w)).reduce(new int[0], (x, y) -> concat(x, y));
    assertTrue(content.length > 75, "the prompt needs two chunks: " + content.length);
    PromptTokens tokens = prompts.tokens(prompt);
    assertEquals(2, tokens.chunks().size());
    assertEquals(List.of(), tokens.droppedWords());
    Embeddings e = prompts.encode(List.of(tokens), null);
    assertEquals(2 * tokenizer.maxLength(), e.tokens());
    float[] first = raw(row(Arrays.copyOfRange(content, 0, 75)));
    float[] second = raw(row(Arrays.copyOfRange(content, 75, content.length)));
    float[] expected = new float[first.length + second.length];
    System.arraycopy(first, 0, expected, 0, first.length);
    System.arraycopy(second, 0, expected, first.length, second.length);
    assertArrayEquals(expected, e.data());
  }

  @Test
  void theShorterPromptIsPaddedWithEmptyChunks() throws OrtException {
    PromptEncoder prompts = new PromptEncoder(tokenizer, encoder, -1);
    String longPrompt = "rain ".repeat(90);
    Embeddings e =
        prompts.encode(List.of(prompts.tokens("blurry"), prompts.tokens(longPrompt)), null);
    assertEquals(2, e.batch());
    assertEquals(2 * tokenizer.maxLength(), e.tokens());
    float[] negative = Arrays.copyOfRange(e.data(), 0, e.tokens() * e.hidden());
    int chunk = tokenizer.maxLength() * e.hidden();
    assertArrayEquals(raw(tokenizer.tokenize("blurry").ids()), Arrays.copyOf(negative, chunk));
    assertArrayEquals(
        raw(tokenizer.tokenize("").ids()), Arrays.copyOfRange(negative, chunk, 2 * chunk));
  }

  @Test
  void aFixedContextCutsTheRestAndReportsIt() {
    PromptEncoder prompts = new PromptEncoder(tokenizer, encoder, tokenizer.maxLength());
    assertEquals(1, prompts.maxChunks());
    PromptTokens tokens = prompts.tokens("rain ".repeat(74) + "over the sea");
    assertEquals(1, tokens.chunks().size());
    assertEquals(List.of("the", "sea"), tokens.droppedWords());
    assertEquals(77, tokens.tokenCount());
  }
}
