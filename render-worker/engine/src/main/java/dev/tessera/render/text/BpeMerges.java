package dev.tessera.render.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered list of byte-pair merges and the CLIP way of applying it to a word: start from one
 * symbol per byte with {@code </w>} glued to the last, then repeatedly merge every occurrence of
 * the adjacent pair whose merge came earliest in the list, until no adjacent pair has a merge.
 * Immutable and thread-safe.
 */
final class BpeMerges {
  static final String END_OF_WORD = "</w>";

  /** Rank (position in the list) of each merge, keyed "first second" as merges.txt writes it. */
  private final Map<String, Integer> ranks;

  BpeMerges(List<String[]> pairs) {
    ranks = new HashMap<>(pairs.size() * 2);
    for (int i = 0; i < pairs.size(); i++) {
      // A repeated pair keeps its last position, as the dict CLIP builds from the list does.
      ranks.put(key(pairs.get(i)[0], pairs.get(i)[1]), i);
    }
  }

  /** The symbols of a byte-level encoded word before any merge. */
  static List<String> initialSymbols(String encodedWord) {
    List<String> symbols = new ArrayList<>(encodedWord.length());
    for (int i = 0; i < encodedWord.length(); i++) {
      symbols.add(String.valueOf(encodedWord.charAt(i)));
    }
    int last = symbols.size() - 1;
    symbols.set(last, symbols.get(last) + END_OF_WORD);
    return symbols;
  }

  /** The word's final symbols after applying every merge that applies, best-ranked first. */
  List<String> apply(List<String> symbols) {
    List<String> word = symbols;
    while (word.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      int bestAt = -1;
      for (int i = 0; i + 1 < word.size(); i++) {
        Integer rank = ranks.get(key(word.get(i), word.get(i + 1)));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) {
        break;
      }
      word = merge(word, word.get(bestAt), word.get(bestAt + 1));
    }
    return word;
  }

  /**
   * The symbols with every non-overlapping occurrence of {@code first second}, scanned left to
   * right, joined.
   */
  static List<String> merge(List<String> symbols, String first, String second) {
    List<String> merged = new ArrayList<>(symbols.size());
    int i = 0;
    while (i < symbols.size()) {
      if (i + 1 < symbols.size()
          && symbols.get(i).equals(first)
          && symbols.get(i + 1).equals(second)) {
        merged.add(first + second);
        i += 2;
      } else {
        merged.add(symbols.get(i));
        i++;
      }
    }
    return merged;
  }

  static String key(String first, String second) {
    return first + ' ' + second;
  }
}
