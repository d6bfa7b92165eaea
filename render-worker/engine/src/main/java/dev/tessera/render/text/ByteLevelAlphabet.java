package dev.tessera.render.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2's reversible byte-to-character table that CLIP's BPE works on: printable Latin-1 bytes
 * stand for themselves, the others map to characters from U+0100 upwards, so every UTF-8 byte of a
 * word becomes one visible, non-whitespace character.
 */
final class ByteLevelAlphabet {
  /**
   * Bytes in vocabulary order: the self-standing printable ranges first, then the remapped ones.
   */
  private static final int[] VOCABULARY_ORDER = new int[256];

  private static final char[] BYTE_TO_CHAR = new char[256];

  static {
    int position = 0;
    for (int b = 0; b < 256; b++) {
      if (standsForItself(b)) {
        VOCABULARY_ORDER[position++] = b;
        BYTE_TO_CHAR[b] = (char) b;
      }
    }
    int remapped = 0;
    for (int b = 0; b < 256; b++) {
      if (!standsForItself(b)) {
        VOCABULARY_ORDER[position++] = b;
        BYTE_TO_CHAR[b] = (char) (256 + remapped++);
      }
    }
  }

  private ByteLevelAlphabet() {}

  private static boolean standsForItself(int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
  }

  /** The word's UTF-8 bytes, one alphabet character per byte. */
  static String encode(String word) {
    byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
    }
    return new String(chars);
  }

  /** The 256 single-byte symbols in the order CLIP's vocabulary gives them ids 0..255. */
  static List<String> symbolsInVocabularyOrder() {
    List<String> symbols = new ArrayList<>(256);
    for (int b : VOCABULARY_ORDER) {
      symbols.add(String.valueOf(BYTE_TO_CHAR[b]));
    }
    return symbols;
  }
}
