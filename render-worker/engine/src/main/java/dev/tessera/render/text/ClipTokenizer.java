package dev.tessera.render.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-level BPE tokenizer as Hugging Face's {@code CLIPTokenizer} runs it for Stable
 * Diffusion 1.x and 2.x, loaded from a bundle's {@code tokenizer/} directory.
 *
 * <p>Like Hugging Face, the configured special tokens (BOS, EOS, pad) are cut out of the raw prompt
 * before anything else and map straight to their ids. That matters for SD 2.x, whose pad token is
 * {@code !}: there every {@code !} in a prompt becomes id 0, where SD 1.x would encode {@code !!}
 * as one token.
 *
 * <p>Immutable apart from an internal word cache; safe to share between threads for the life of the
 * model.
 */
public final class ClipTokenizer {
  /**
   * Distinct words remembered before the cache starts over; bounds memory on a long-running worker.
   */
  private static final int WORD_CACHE_LIMIT = 50_000;

  private final Map<String, Integer> vocabulary;
  private final BpeMerges merges;
  private final int bosId;
  private final int eosId;
  private final int padId;
  private final int maxLength;

  /**
   * Special tokens with their ids, longest first so the longest match wins where two share a start.
   */
  private final Map<String, Integer> specialTokens;

  private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

  private ClipTokenizer(
      Map<String, Integer> vocabulary,
      BpeMerges merges,
      TokenizerSettings settings,
      Map<String, Integer> specialTokens) {
    this.vocabulary = vocabulary;
    this.merges = merges;
    this.bosId = vocabulary.get(settings.bosToken());
    this.eosId = vocabulary.get(settings.eosToken());
    this.padId = vocabulary.get(settings.padToken());
    this.maxLength = settings.maxLength();
    this.specialTokens = specialTokens;
  }

  /**
   * Loads {@code vocab.json} and {@code merges.txt}, plus the optional {@code
   * tokenizer_config.json} and {@code special_tokens_map.json}, from a tokenizer directory.
   *
   * @throws IOException naming the file that is missing or malformed, or inconsistent with
   *     vocab.json
   */
  public static ClipTokenizer load(Path tokenizerDir) throws IOException {
    Path vocabFile = tokenizerDir.resolve(TokenizerFiles.VOCAB);
    Path mergesFile = tokenizerDir.resolve(TokenizerFiles.MERGES);
    Map<String, Integer> vocabulary = TokenizerFiles.readVocabulary(vocabFile);
    List<String[]> mergeList = TokenizerFiles.readMerges(mergesFile);
    TokenizerSettings settings = TokenizerFiles.readSettings(tokenizerDir);

    // Checked once here so that encoding can never meet a symbol without an id.
    for (String symbol : ByteLevelAlphabet.symbolsInVocabularyOrder()) {
      requireToken(vocabulary, vocabFile, symbol, "byte symbol");
      requireToken(vocabulary, vocabFile, symbol + BpeMerges.END_OF_WORD, "byte symbol");
    }
    for (int i = 0; i < mergeList.size(); i++) {
      String merged = mergeList.get(i)[0] + mergeList.get(i)[1];
      if (!vocabulary.containsKey(merged)) {
        throw new IOException(
            mergesFile
                + ": merge "
                + (i + 1)
                + " makes \""
                + merged
                + "\", which "
                + vocabFile.getFileName()
                + " has no id for");
      }
    }
    requireToken(vocabulary, vocabFile, settings.bosToken(), "bos_token");
    requireToken(vocabulary, vocabFile, settings.eosToken(), "eos_token");
    requireToken(vocabulary, vocabFile, settings.padToken(), "pad_token");

    List<String> specials =
        new ArrayList<>(List.of(settings.bosToken(), settings.eosToken(), settings.padToken()));
    // CLIP's unknown token is <|endoftext|>; Hugging Face splits it out even when EOS is configured
    // otherwise.
    if (vocabulary.containsKey(TokenizerSettings.END_OF_TEXT)) {
      specials.add(TokenizerSettings.END_OF_TEXT);
    }
    specials.sort(Comparator.comparingInt(String::length).reversed());
    Map<String, Integer> specialTokens = new LinkedHashMap<>();
    for (String special : specials) {
      specialTokens.putIfAbsent(special, vocabulary.get(special));
    }
    return new ClipTokenizer(
        Map.copyOf(vocabulary), new BpeMerges(mergeList), settings, specialTokens);
  }

  private static void requireToken(
      Map<String, Integer> vocabulary, Path vocabFile, String token, String role)
      throws IOException {
    if (!vocabulary.containsKey(token)) {
      throw new IOException(vocabFile + ": no id for " + role + " \"" + token + "\"");
    }
  }

  /**
   * Encodes a prompt to exactly {@link #maxLength()} ids: BOS, at most {@code maxLength - 2}
   * content tokens, EOS, then pad ids. Tokens beyond the limit are cut, and the words they belong
   * to are reported.
   */
  public Tokenization tokenize(String text) {
    int capacity = maxLength - 2;
    int[] ids = new int[maxLength];
    ids[0] = bosId;
    int count = 0;
    List<String> dropped = new ArrayList<>();
    for (Word word : words(text)) {
      for (int id : word.ids()) {
        if (count < capacity) {
          ids[1 + count] = id;
        }
        count++;
      }
      if (count > capacity) {
        dropped.add(word.text());
      }
    }
    int end = 1 + Math.min(count, capacity);
    ids[end] = eosId;
    for (int i = end + 1; i < maxLength; i++) {
      ids[i] = padId;
    }
    return new Tokenization(ids, count, dropped);
  }

  /**
   * Encodes runs of weighted text (see {@link PromptWeights}) into chunks of {@link #maxLength()}
   * ids, as AUTOMATIC1111 does for long prompts: the content tokens are cut into runs of {@code
   * maxLength - 2}, each framed by BOS and EOS and padded. Each run of text is tokenized on its
   * own. Tokens past {@code maxChunks} chunks are cut, and the words they belong to reported.
   *
   * @param maxChunks at least 1; 1 keeps the behaviour of {@link #tokenize} for a plain prompt
   */
  public PromptTokens tokenizeChunks(List<WeightedText> runs, int maxChunks) {
    if (maxChunks < 1) {
      throw new IllegalArgumentException("maxChunks must be at least 1, got " + maxChunks);
    }
    int capacity = maxLength - 2;
    List<Integer> ids = new ArrayList<>();
    List<Float> weights = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    int limit = capacity * maxChunks;
    for (WeightedText run : runs) {
      for (Word word : words(run.text())) {
        for (int id : word.ids()) {
          ids.add(id);
          weights.add((float) run.weight());
        }
        if (ids.size() > limit) {
          dropped.add(word.text());
        }
      }
    }
    int count = ids.size();
    int kept = Math.min(count, limit);
    int chunkCount = Math.max(1, (kept + capacity - 1) / capacity);
    List<int[]> chunks = new ArrayList<>();
    List<float[]> chunkWeights = new ArrayList<>();
    for (int c = 0; c < chunkCount; c++) {
      int[] row = new int[maxLength];
      float[] rowWeights = new float[maxLength];
      Arrays.fill(rowWeights, 1f);
      row[0] = bosId;
      int from = c * capacity;
      int to = Math.min(kept, from + capacity);
      for (int k = from; k < to; k++) {
        row[1 + k - from] = ids.get(k);
        rowWeights[1 + k - from] = weights.get(k);
      }
      int end = 1 + to - from;
      row[end] = eosId;
      for (int k = end + 1; k < maxLength; k++) {
        row[k] = padId;
      }
      chunks.add(row);
      chunkWeights.add(rowWeights);
    }
    return new PromptTokens(chunks, chunkWeights, count, dropped);
  }

  /** A word of the prompt as the tokenizer saw it, with its token ids. */
  private record Word(String text, int[] ids) {}

  /**
   * Special tokens cut out of the raw text first; the pieces between them are normalised and split
   * separately.
   */
  private List<Word> words(String text) {
    List<Word> words = new ArrayList<>();
    int pieceStart = 0;
    int i = 0;
    while (i < text.length()) {
      String special = specialAt(text, i);
      if (special == null) {
        i++;
        continue;
      }
      addWords(text.substring(pieceStart, i), words);
      words.add(new Word(special, new int[] {specialTokens.get(special)}));
      i += special.length();
      pieceStart = i;
    }
    addWords(text.substring(pieceStart), words);
    return words;
  }

  private String specialAt(String text, int index) {
    for (String special : specialTokens.keySet()) {
      if (text.startsWith(special, index)) {
        return special;
      }
    }
    return null;
  }

  private void addWords(String piece, List<Word> words) {
    for (String word : ClipPreTokenizer.words(ClipPreTokenizer.normalize(piece))) {
      words.add(new Word(word, encodeWord(word)));
    }
  }

  private int[] encodeWord(String word) {
    // CLIP's own special tokens keep their id even when typed lowercase or in another case.
    if (word.equals(TokenizerSettings.START_OF_TEXT)
        || word.equals(TokenizerSettings.END_OF_TEXT)) {
      Integer id = vocabulary.get(word);
      if (id != null) {
        return new int[] {id};
      }
    }
    int[] cached = wordCache.get(word);
    if (cached != null) {
      return cached;
    }
    List<String> symbols = merges.apply(BpeMerges.initialSymbols(ByteLevelAlphabet.encode(word)));
    int[] ids = new int[symbols.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.get(symbols.get(i));
    }
    if (wordCache.size() >= WORD_CACHE_LIMIT) {
      wordCache.clear();
    }
    wordCache.put(word, ids);
    return ids;
  }

  /** Ids per prompt, including BOS, EOS and padding (77 for Stable Diffusion). */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Id that fills the slots after EOS: 0 ({@code !}) for SD 2.x, 49407 ({@code <|endoftext|>}) for
   * SD 1.x.
   */
  public int padId() {
    return padId;
  }

  public int bosId() {
    return bosId;
  }

  public int eosId() {
    return eosId;
  }

  /** Number of entries in vocab.json. */
  public int vocabularySize() {
    return vocabulary.size();
  }
}
