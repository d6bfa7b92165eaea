package dev.tessera.render.text;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One prompt as token ids, ready for the text encoder.
 *
 * @param ids exactly {@link ClipTokenizer#maxLength()} ids: BOS, the kept tokens, EOS, then pad
 *     ids. The array belongs to whoever holds this record; the tokenizer keeps no reference to it.
 * @param tokenCount content tokens the prompt produced before truncation (BOS and EOS not counted);
 *     more than {@code maxLength - 2} means some were cut
 * @param droppedWords the prompt's words, lowercased as the tokenizer saw them, with at least one
 *     token cut off by the length limit, in prompt order; empty when nothing was cut
 */
public record Tokenization(int[] ids, int tokenCount, List<String> droppedWords) {
  public Tokenization {
    Objects.requireNonNull(ids, "ids");
    if (tokenCount < 0) {
      throw new IllegalArgumentException("tokenCount must not be negative: " + tokenCount);
    }
    droppedWords = List.copyOf(droppedWords);
  }

  /** Equal when ids (by content), counts and dropped words are equal. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Tokenization that
        && Arrays.equals(ids, that.ids)
        && tokenCount == that.tokenCount
        && droppedWords.equals(that.droppedWords);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(ids), tokenCount, droppedWords);
  }

  @Override
  public String toString() {
    return "Tokenization[ids="
        + Arrays.toString(ids)
        + ", tokenCount="
        + tokenCount
        + ", droppedWords="
        + droppedWords
        + "]";
  }
}
