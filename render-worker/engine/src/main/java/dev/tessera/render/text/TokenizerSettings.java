package dev.tessera.render.text;

/**
 * The special tokens and length a tokenizer directory configures, after defaults: BOS {@code
 * <|startoftext|>}, EOS {@code <|endoftext|>}, pad = EOS, 77 tokens.
 */
record TokenizerSettings(String bosToken, String eosToken, String padToken, int maxLength) {
  static final String START_OF_TEXT = "<|startoftext|>";
  static final String END_OF_TEXT = "<|endoftext|>";
  static final int DEFAULT_MAX_LENGTH = 77;
}
