package dev.tessera.render.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerTest {
  private static final int BOS = 49406;
  private static final int EOS = 49407;
  private static final int[] A_PHOTO_OF_A_CAT = {BOS, 320, 1125, 539, 320, 2368, EOS};
  private static final String SD2_CONFIG =
      "{\"model_max_length\": 77, \"pad_token\": \"!\","
          + " \"bos_token\": {\"content\": \"<|startoftext|>\", \"lstrip\": false},"
          + " \"eos_token\": {\"content\": \"<|endoftext|>\", \"lstrip\": false}}";
  private static final String SD1_CONFIG =
      "{\"model_max_length\": 77,"
          + " \"pad_token\": {\"content\": \"<|endoftext|>\", \"normalized\": true}}";

  @TempDir Path dir;

  /**
   * Copies the real CLIP files into the temp dir, with the given tokenizer_config.json (none when
   * null).
   */
  private Path tokenizerDir(String config) throws IOException {
    Path source = TestData.clipTokenizerDir();
    Files.copy(source.resolve("vocab.json"), dir.resolve("vocab.json"));
    Files.copy(source.resolve("merges.txt"), dir.resolve("merges.txt"));
    if (config != null) {
      Files.writeString(dir.resolve("tokenizer_config.json"), config);
    }
    return dir;
  }

  private static int[] padded(int[] head, int pad) {
    int[] ids = Arrays.copyOf(head, 77);
    Arrays.fill(ids, head.length, 77, pad);
    return ids;
  }

  private static Map<String, Integer> realVocabulary() throws IOException {
    return TokenizerFiles.readVocabulary(TestData.clipTokenizerDir().resolve("vocab.json"));
  }

  @Test
  void sd2ConfigPadsWithExclamationMarkId0() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD2_CONFIG));
    Tokenization result = tokenizer.tokenize("a photo of a cat");
    assertArrayEquals(padded(A_PHOTO_OF_A_CAT, 0), result.ids());
    assertEquals(5, result.tokenCount());
    assertEquals(List.of(), result.droppedWords());
    assertEquals(0, tokenizer.padId());
    assertEquals(BOS, tokenizer.bosId());
    assertEquals(EOS, tokenizer.eosId());
    assertEquals(77, tokenizer.maxLength());
    assertEquals(49408, tokenizer.vocabularySize());
  }

  @Test
  void sd1ConfigPadsWithEndOfText() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD1_CONFIG));
    assertArrayEquals(padded(A_PHOTO_OF_A_CAT, EOS), tokenizer.tokenize("a photo of a cat").ids());
    assertEquals(EOS, tokenizer.padId());
  }

  @Test
  void withoutConfigPadIsEosAndLengthIs77() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(null));
    assertEquals(EOS, tokenizer.padId());
    assertEquals(77, tokenizer.maxLength());
  }

  @Test
  void specialTokensMapOverridesTokenizerConfigAsInHuggingFace() throws IOException {
    Path tokenizerDir = tokenizerDir("{\"pad_token\": \"<|endoftext|>\"}");
    Files.writeString(
        tokenizerDir.resolve("special_tokens_map.json"), "{\"pad_token\": {\"content\": \"!\"}}");
    assertEquals(0, ClipTokenizer.load(tokenizerDir).padId());
  }

  @Test
  void emptyPromptIsJustBosAndEos() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD2_CONFIG));
    assertEquals(
        new Tokenization(padded(new int[] {BOS, EOS}, 0), 0, List.of()),
        tokenizer.tokenize(" \n "));
  }

  @Test
  void caseAndWhitespaceDoNotMatter() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD2_CONFIG));
    assertEquals(
        tokenizer.tokenize("a photo of a cat"),
        tokenizer.tokenize("  A   PHOTO\tof a\n\u2003Cat  "));
  }

  @Test
  void punctuationDigitsAndContractionsSplitAsInClip() throws IOException {
    Map<String, Integer> vocab = realVocabulary();
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD1_CONFIG));
    // Digits are single tokens each; a punctuation run stays one word; "'s" is split off.
    int[] expected = {
      BOS,
      vocab.get("cat</w>"),
      vocab.get(",</w>"),
      vocab.get("2</w>"),
      vocab.get("0</w>"),
      vocab.get("2</w>"),
      vocab.get("4</w>"),
      vocab.get("it</w>"),
      vocab.get("'s</w>"),
      vocab.get("...</w>"),
      EOS
    };
    assertArrayEquals(padded(expected, EOS), tokenizer.tokenize("cat, 2024 it's...").ids());
    assertEquals(9, tokenizer.tokenize("cat, 2024 it's...").tokenCount());
  }

  @Test
  void htmlEntitiesAreUnescaped() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD1_CONFIG));
    assertEquals(tokenizer.tokenize("salt & pepper"), tokenizer.tokenize("salt &amp; pepper"));
    assertEquals(tokenizer.tokenize("salt & pepper"), tokenizer.tokenize("salt &#38; pepper"));
  }

  @Test
  void wordsOutsideTheVocabularySplitIntoSeveralKnownTokens() throws IOException {
    Map<String, Integer> vocab = realVocabulary();
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD1_CONFIG));
    Tokenization result = tokenizer.tokenize("zxqvjk");
    assertTrue(result.tokenCount() > 1, "expected several tokens: " + result);
    int lastContent = result.ids()[result.tokenCount()];
    String lastToken =
        vocab.entrySet().stream()
            .filter(e -> e.getValue() == lastContent)
            .findFirst()
            .orElseThrow()
            .getKey();
    assertTrue(lastToken.endsWith("</w>"), "last piece of a word carries </w>: " + lastToken);
  }

  @Test
  void sd2ExclamationMarksBecomeThePadTokenLikeHuggingFace() throws IOException {
    // huggingface/diffusers#4153: the SD 2.x tokenizer turns each "!" into id 0; with SD 1.x "!",
    // "!!" and "!!!"
    // are the word tokens 256, 748 and 995 (also what open_clip gives).
    String prompt = "! !! !!!";
    assertArrayEquals(
        padded(new int[] {BOS, 0, 0, 0, 0, 0, 0, EOS}, 0),
        ClipTokenizer.load(tokenizerDir(SD2_CONFIG)).tokenize(prompt).ids());
    Files.writeString(dir.resolve("tokenizer_config.json"), SD1_CONFIG);
    assertArrayEquals(
        padded(new int[] {BOS, 256, 748, 995, EOS}, EOS),
        ClipTokenizer.load(dir).tokenize(prompt).ids());
  }

  @Test
  void specialTokensTypedInThePromptKeepTheirIds() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD2_CONFIG));
    int[] expected = {BOS, 2368, EOS, 2368, BOS, EOS};
    assertArrayEquals(
        padded(expected, 0), tokenizer.tokenize("cat<|endoftext|>cat <|STARTOFTEXT|>").ids());
  }

  @Test
  void longPromptIsTruncatedTo77WithEosLastAndDroppedWordsReported() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD2_CONFIG));
    List<String> words = new ArrayList<>();
    String[] singleTokenWords = {"red", "green", "blue", "cat", "dog"};
    for (int i = 0; i < 100; i++) {
      words.add(singleTokenWords[i % singleTokenWords.length]);
    }
    Tokenization result = tokenizer.tokenize(String.join(" ", words).toUpperCase());

    assertEquals(77, result.ids().length);
    assertEquals(100, result.tokenCount());
    assertEquals(BOS, result.ids()[0]);
    assertEquals(EOS, result.ids()[76]);
    assertEquals(
        tokenizer.tokenize(words.get(74)).ids()[1], result.ids()[75], "75th word is the last kept");
    assertEquals(words.subList(75, 100), result.droppedWords());
  }

  @Test
  void aWordCutInTheMiddleIsReportedAsDropped() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD2_CONFIG));
    String longWord = "zxqvjk";
    int pieces = tokenizer.tokenize(longWord).tokenCount();
    assertTrue(pieces > 1);
    String prompt = "cat ".repeat(74) + longWord;
    Tokenization result = tokenizer.tokenize(prompt);
    assertEquals(74 + pieces, result.tokenCount());
    assertEquals(List.of(longWord), result.droppedWords());
    assertEquals(tokenizer.tokenize(longWord).ids()[1], result.ids()[75], "first piece still kept");
    assertEquals(EOS, result.ids()[76]);
  }

  @Test
  void modelMaxLengthIsHonouredAndHuggingFacesUnlimitedSentinelMeans77() throws IOException {
    ClipTokenizer shortOne = ClipTokenizer.load(tokenizerDir("{\"model_max_length\": 8}"));
    Tokenization result = shortOne.tokenize("a photo of a cat on a road");
    assertEquals(8, result.ids().length);
    assertArrayEquals(
        new int[] {BOS, 320, 1125, 539, 320, 2368, realVocabulary().get("on</w>"), EOS},
        result.ids());
    assertEquals(List.of("a", "road"), result.droppedWords());

    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        "{\"model_max_length\": 1000000000000000019884624838656}");
    assertEquals(77, ClipTokenizer.load(dir).maxLength());
  }

  @Test
  void malformedVocabularyIsAnIOExceptionNamingTheFile() throws IOException {
    Files.writeString(dir.resolve("vocab.json"), "[\"not\", \"an\", \"object\"]");
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
    IOException notObject = assertThrows(IOException.class, () -> ClipTokenizer.load(dir));
    assertTrue(
        notObject.getMessage().contains("vocab.json: not a JSON object"), notObject.getMessage());

    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 1,");
    IOException broken = assertThrows(IOException.class, () -> ClipTokenizer.load(dir));
    assertTrue(broken.getMessage().contains("vocab.json: not valid JSON"), broken.getMessage());

    Files.writeString(dir.resolve("vocab.json"), "{\"a\": \"one\"}");
    IOException badId = assertThrows(IOException.class, () -> ClipTokenizer.load(dir));
    assertTrue(
        badId.getMessage().contains("vocab.json") && badId.getMessage().contains("\"a\""),
        badId.getMessage());
  }

  @Test
  void missingOrInconsistentFilesAreIOExceptionsNamingTheFile() throws IOException {
    Path tokenizerDir = tokenizerDir(null);
    Files.writeString(tokenizerDir.resolve("tokenizer_config.json"), "{\"pad_token\": 5}");
    IOException badPad = assertThrows(IOException.class, () -> ClipTokenizer.load(tokenizerDir));
    assertTrue(
        badPad.getMessage().contains("tokenizer_config.json: pad_token"), badPad.getMessage());

    Files.writeString(tokenizerDir.resolve("tokenizer_config.json"), "{\"pad_token\": \"<pad>\"}");
    IOException unknownPad =
        assertThrows(IOException.class, () -> ClipTokenizer.load(tokenizerDir));
    assertTrue(
        unknownPad.getMessage().contains("vocab.json: no id for pad_token \"<pad>\""),
        unknownPad.getMessage());

    Files.delete(tokenizerDir.resolve("tokenizer_config.json"));
    Files.writeString(tokenizerDir.resolve("merges.txt"), "#version: 0.2\ni n\nt h e\n");
    IOException badMerge = assertThrows(IOException.class, () -> ClipTokenizer.load(tokenizerDir));
    assertTrue(badMerge.getMessage().contains("merges.txt: line 3"), badMerge.getMessage());

    // U+0100 stands for byte 0; CLIP has no token for two of them.
    Files.writeString(tokenizerDir.resolve("merges.txt"), "#version: 0.2\n\u0100 \u0100\n");
    IOException unknownMerge =
        assertThrows(IOException.class, () -> ClipTokenizer.load(tokenizerDir));
    assertTrue(
        unknownMerge.getMessage().contains("merges.txt: merge 1 makes"), unknownMerge.getMessage());

    Files.delete(tokenizerDir.resolve("merges.txt"));
    IOException missing = assertThrows(IOException.class, () -> ClipTokenizer.load(tokenizerDir));
    assertTrue(missing.getMessage().contains("merges.txt"), missing.getMessage());
  }

  @Test
  void tokenizationsCompareByContent() throws IOException {
    ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir(SD2_CONFIG));
    assertEquals(tokenizer.tokenize("a cat"), tokenizer.tokenize("a cat"));
    assertEquals(tokenizer.tokenize("a cat").hashCode(), tokenizer.tokenize("a cat").hashCode());
    assertNotEquals(tokenizer.tokenize("a cat"), tokenizer.tokenize("a dog"));
  }
}
