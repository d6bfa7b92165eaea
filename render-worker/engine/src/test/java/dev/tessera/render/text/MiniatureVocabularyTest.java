package dev.tessera.render.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiniatureVocabularyTest {
  @TempDir Path dir;

  @Test
  void writtenVocabularyLoadsWithSpecialTokensAsTheLastTwoIds() throws IOException {
    int size = MiniatureVocabulary.write(dir);
    ClipTokenizer tokenizer = ClipTokenizer.load(dir);

    assertEquals(size, tokenizer.vocabularySize());
    assertEquals(size - 2, tokenizer.bosId());
    assertEquals(size - 1, tokenizer.eosId());
    assertEquals(size - 1, tokenizer.padId(), "pad defaults to EOS");
    int merges = Files.readAllLines(dir.resolve("merges.txt")).size() - 1;
    assertTrue(merges >= 200 && merges < 1000, "a few hundred merges, got " + merges);
    assertEquals(512 + merges + 2, size, "one new token per merge");
  }

  @Test
  void everyIdIsInsideTheVocabularyEvenForUnseenText() throws IOException {
    int size = MiniatureVocabulary.write(dir);
    ClipTokenizer tokenizer = ClipTokenizer.load(dir);
    Tokenization result =
        tokenizer.tokenize("An astronaut riding a horse on Mars, café ☕, 4k, ultra-detailed!");
    assertEquals(77, result.ids().length);
    for (int id : result.ids()) {
      assertTrue(id >= 0 && id < size, "id out of range: " + id);
    }
  }

  @Test
  void everyWordOfTheTrainingTextIsOneToken() throws IOException {
    MiniatureVocabulary.write(dir);
    ClipTokenizer tokenizer = ClipTokenizer.load(dir);
    Set<String> words =
        new LinkedHashSet<>(
            ClipPreTokenizer.words(ClipPreTokenizer.normalize(MiniatureVocabulary.TRAINING_TEXT)));
    assertTrue(
        words.containsAll(List.of("person", "road", "jacket", "mountain", "rain", "photo", "cat")));
    for (String word : words) {
      assertEquals(1, tokenizer.tokenize(word).tokenCount(), word);
    }
    assertTrue(
        tokenizer.tokenize("xylophone").tokenCount() > 1,
        "unseen words fall back to smaller pieces");
  }

  @Test
  void writesTheSameBytesEveryTime() throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    assertEquals(MiniatureVocabulary.write(first), MiniatureVocabulary.write(second));
    for (String file : List.of("vocab.json", "merges.txt")) {
      assertArrayEquals(
          Files.readAllBytes(first.resolve(file)), Files.readAllBytes(second.resolve(file)), file);
    }
    assertEquals("#version: 0.2", Files.readAllLines(first.resolve("merges.txt")).get(0));
  }

  @Test
  void byteSymbolsHaveTheIdsTheyHaveInClip() throws IOException {
    Map<String, Integer> clip =
        TokenizerFiles.readVocabulary(TestData.clipTokenizerDir().resolve("vocab.json"));
    MiniatureVocabulary.write(dir);
    Map<String, Integer> miniature = TokenizerFiles.readVocabulary(dir.resolve("vocab.json"));
    List<String> alphabet = ByteLevelAlphabet.symbolsInVocabularyOrder();
    for (String symbol : alphabet) {
      assertEquals(clip.get(symbol), miniature.get(symbol), symbol);
      assertEquals(clip.get(symbol + "</w>"), miniature.get(symbol + "</w>"), symbol + "</w>");
    }
  }
}
