package dev.tessera.render.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the files of a Hugging Face CLIP tokenizer directory. Every failure is an {@link
 * IOException} whose message starts with the offending file's path.
 */
final class TokenizerFiles {
  static final String VOCAB = "vocab.json";
  static final String MERGES = "merges.txt";
  static final String CONFIG = "tokenizer_config.json";
  static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

  /**
   * Hugging Face writes int(1e30) when a tokenizer has no length limit; no real context comes near
   * this.
   */
  private static final double UNLIMITED_LENGTH = 1_000_000;

  private static final int MIN_LENGTH = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerFiles() {}

  /** vocab.json: a JSON object from token to non-negative integer id. */
  static Map<String, Integer> readVocabulary(Path file) throws IOException {
    JsonNode root = readJson(file);
    if (!root.isObject()) {
      throw new IOException(file + ": not a JSON object");
    }
    Map<String, Integer> vocabulary = new HashMap<>(root.size() * 2);
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      JsonNode id = entry.getValue();
      if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) {
        throw new IOException(
            file + ": id of token \"" + entry.getKey() + "\" is not a non-negative integer: " + id);
      }
      vocabulary.put(entry.getKey(), id.intValue());
    }
    if (vocabulary.isEmpty()) {
      throw new IOException(file + ": no tokens");
    }
    return vocabulary;
  }

  /** merges.txt: one "first second" pair a line, after an optional "#version" header line. */
  static List<String[]> readMerges(Path file) throws IOException {
    List<String> lines = readLines(file);
    List<String[]> merges = new ArrayList<>(lines.size());
    int first = !lines.isEmpty() && lines.get(0).startsWith("#") ? 1 : 0;
    for (int i = first; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] pair = line.split("\\s+");
      if (pair.length != 2) {
        throw new IOException(
            file + ": line " + (i + 1) + " is not a pair of symbols: \"" + line + "\"");
      }
      merges.add(pair);
    }
    return merges;
  }

  /**
   * Special tokens and length from tokenizer_config.json and special_tokens_map.json, both
   * optional; the map wins where both name a token, as in Hugging Face's loader.
   */
  static TokenizerSettings readSettings(Path dir) throws IOException {
    Path configFile = dir.resolve(CONFIG);
    Path mapFile = dir.resolve(SPECIAL_TOKENS_MAP);
    JsonNode config = readOptionalObject(configFile);
    JsonNode map = readOptionalObject(mapFile);
    String bos =
        token(
            map,
            mapFile,
            "bos_token",
            token(config, configFile, "bos_token", TokenizerSettings.START_OF_TEXT));
    String eos =
        token(
            map,
            mapFile,
            "eos_token",
            token(config, configFile, "eos_token", TokenizerSettings.END_OF_TEXT));
    String pad = token(map, mapFile, "pad_token", token(config, configFile, "pad_token", eos));
    return new TokenizerSettings(bos, eos, pad, maxLength(config, configFile));
  }

  private static int maxLength(JsonNode config, Path file) throws IOException {
    JsonNode value = config == null ? null : config.get("model_max_length");
    if (value == null || value.isNull()) {
      return TokenizerSettings.DEFAULT_MAX_LENGTH;
    }
    if (!value.isNumber()) {
      throw new IOException(file + ": model_max_length is not a number: " + value);
    }
    if (value.doubleValue() >= UNLIMITED_LENGTH) {
      return TokenizerSettings.DEFAULT_MAX_LENGTH;
    }
    if (!value.canConvertToExactIntegral() || value.intValue() < MIN_LENGTH) {
      throw new IOException(
          file
              + ": model_max_length must be an integer of at least "
              + MIN_LENGTH
              + " (room for BOS and EOS): "
              + value);
    }
    return value.intValue();
  }

  /** A special token given either as a string or as an added-token object with "content". */
  private static String token(JsonNode root, Path file, String field, String fallback)
      throws IOException {
    JsonNode value = root == null ? null : root.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    JsonNode content = value.get("content");
    if (value.isObject() && content != null && content.isTextual()) {
      return content.textValue();
    }
    throw new IOException(
        file + ": " + field + " is neither a string nor an object with a \"content\" string");
  }

  private static JsonNode readOptionalObject(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    JsonNode root = readJson(file);
    if (!root.isObject()) {
      throw new IOException(file + ": not a JSON object");
    }
    return root;
  }

  private static JsonNode readJson(Path file) throws IOException {
    requireFile(file);
    try (InputStream in = Files.newInputStream(file)) {
      JsonNode root = JSON.readTree(in);
      if (root == null || root.isMissingNode()) {
        throw new IOException(file + ": empty");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static List<String> readLines(Path file) throws IOException {
    requireFile(file);
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException(file + ": unreadable as UTF-8 text: " + e.getMessage(), e);
    }
  }

  private static void requireFile(Path file) throws NoSuchFileException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "required tokenizer file is missing");
    }
  }
}
