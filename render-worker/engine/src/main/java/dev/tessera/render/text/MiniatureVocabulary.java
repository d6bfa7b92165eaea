package dev.tessera.render.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a small self-made byte-level BPE vocabulary in CLIP's file format, for miniature model
 * bundles used where the real CLIP files are absent. It proves the tokenizer path, not CLIP's token
 * ids: the ids mean nothing to a real text encoder.
 *
 * <p>Layout as in CLIP: the 256 byte symbols, their {@code </w>} forms, one token per learned
 * merge, then {@code <|startoftext|>} and {@code <|endoftext|>} as the last two ids. The merges are
 * learned greedily (most frequent adjacent pair, ties to the alphabetically first) from a short
 * built-in text, so every call writes the same bytes.
 */
public final class MiniatureVocabulary {
  /** Prompt-like English the merges are learned from; every word in it ends up a single token. */
  static final String TRAINING_TEXT =
      """
      a photo of a person standing on a road in the rain, wearing a red jacket.
      a photo of a cat sitting in the grass, mountain in the background.
      a person walking a dog on a road, mountains and trees in the background.
      portrait of a woman with a blue jacket standing in the rain at night.
      a cat and a dog sleeping by the window, soft light, high detail.
      a man riding a bicycle on a wet road, city street, rain, reflections.
      landscape photo of a snowy mountain with a lake and a forest, sunset.
      a small house on a hill under a cloudy sky, green fields, morning light.
      a child holding an umbrella in the rain, standing next to a yellow car.
      close up photo of a cat with green eyes, sharp focus, studio background.
      an old castle on a cliff above the ocean, dramatic clouds, oil painting.
      a bowl of fruit on a wooden table, apples, oranges, still life, warm colors.
      a futuristic city at night with neon lights, flying cars, cinematic.
      a horse running across a field of flowers, golden hour, detailed fur.
      a boat on a quiet river between autumn trees, fog, watercolor painting.
      a girl reading a book in a library, candles, shelves, cozy atmosphere.
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  private MiniatureVocabulary() {}

  /**
   * Writes {@code vocab.json} and {@code merges.txt} into {@code tokenizerDir}, creating it if
   * needed and replacing files of those names.
   *
   * @return the number of tokens in the vocabulary
   */
  public static int write(Path tokenizerDir) throws IOException {
    List<String[]> merges = learnMerges();
    Map<String, Integer> vocabulary = new LinkedHashMap<>();
    List<String> alphabet = ByteLevelAlphabet.symbolsInVocabularyOrder();
    for (String symbol : alphabet) {
      vocabulary.put(symbol, vocabulary.size());
    }
    for (String symbol : alphabet) {
      vocabulary.put(symbol + BpeMerges.END_OF_WORD, vocabulary.size());
    }
    for (String[] merge : merges) {
      // Two merge paths can build the same string; it keeps the id it got first so ids stay dense.
      vocabulary.putIfAbsent(merge[0] + merge[1], vocabulary.size());
    }
    vocabulary.put(TokenizerSettings.START_OF_TEXT, vocabulary.size());
    vocabulary.put(TokenizerSettings.END_OF_TEXT, vocabulary.size());

    StringBuilder mergesText = new StringBuilder("#version: 0.2\n");
    for (String[] merge : merges) {
      mergesText.append(merge[0]).append(' ').append(merge[1]).append('\n');
    }
    Files.createDirectories(tokenizerDir);
    Files.write(tokenizerDir.resolve(TokenizerFiles.VOCAB), JSON.writeValueAsBytes(vocabulary));
    Files.writeString(
        tokenizerDir.resolve(TokenizerFiles.MERGES), mergesText, StandardCharsets.UTF_8);
    return vocabulary.size();
  }

  /**
   * Greedy BPE training over the distinct words of the text, weighted by how often each occurs,
   * until every word is one symbol.
   */
  static List<String[]> learnMerges() {
    Map<String, Integer> frequencies = new LinkedHashMap<>();
    for (String word : ClipPreTokenizer.words(ClipPreTokenizer.normalize(TRAINING_TEXT))) {
      frequencies.merge(ByteLevelAlphabet.encode(word), 1, Integer::sum);
    }
    List<List<String>> words = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    frequencies.forEach(
        (word, count) -> {
          words.add(BpeMerges.initialSymbols(word));
          counts.add(count);
        });

    List<String[]> merges = new ArrayList<>();
    for (String[] best = mostFrequentPair(words, counts);
        best != null;
        best = mostFrequentPair(words, counts)) {
      merges.add(best);
      for (int i = 0; i < words.size(); i++) {
        words.set(i, BpeMerges.merge(words.get(i), best[0], best[1]));
      }
    }
    return merges;
  }

  private static String[] mostFrequentPair(List<List<String>> words, List<Integer> counts) {
    Map<String, Integer> pairCounts = new HashMap<>();
    Map<String, String[]> pairs = new HashMap<>();
    for (int w = 0; w < words.size(); w++) {
      List<String> symbols = words.get(w);
      for (int i = 0; i + 1 < symbols.size(); i++) {
        String key = BpeMerges.key(symbols.get(i), symbols.get(i + 1));
        pairCounts.merge(key, counts.get(w), Integer::sum);
        pairs.putIfAbsent(key, new String[] {symbols.get(i), symbols.get(i + 1)});
      }
    }
    String bestKey = null;
    for (Map.Entry<String, Integer> entry : pairCounts.entrySet()) {
      String key = entry.getKey();
      int count = entry.getValue();
      if (bestKey == null
          || count > pairCounts.get(bestKey)
          || (count == pairCounts.get(bestKey) && key.compareTo(bestKey) < 0)) {
        bestKey = key;
      }
    }
    return bestKey == null ? null : pairs.get(bestKey);
  }
}
