package dev.tessera.render.text;

import java.util.ArrayList;
import java.util.List;

/**
 * AUTOMATIC1111's emphasis syntax: {@code (text)} multiplies the weight of what it encloses by 1.1,
 * {@code [text]} divides it by 1.1, {@code (text:1.3)} multiplies it by the number, brackets nest
 * (their factors multiply), and {@code \(}, {@code \)}, {@code \[}, {@code \]}, {@code \\} stand
 * for the character itself. A bracket left open applies to the end of the prompt; a closing bracket
 * without its opener is kept as text, as A1111 does. Pure; thread-safe.
 */
public final class PromptWeights {
  /** The factor of one pair of round brackets. */
  public static final double ROUND = 1.1;

  /** The factor of one pair of square brackets. */
  public static final double SQUARE = 1 / 1.1;

  private PromptWeights() {}

  /**
   * Whether {@code prompt} uses the syntax at all: plain prompts (no bracket, no backslash) are
   * tokenized as they stand, so they render exactly as they would without this feature.
   */
  public static boolean uses(String prompt) {
    for (int i = 0; i < prompt.length(); i++) {
      char c = prompt.charAt(i);
      if (c == '(' || c == ')' || c == '[' || c == ']' || c == '\\') {
        return true;
      }
    }
    return false;
  }

  /**
   * The prompt as runs of text with their weights, neighbours of equal weight merged; a single run
   * of weight 1 for an empty prompt.
   */
  public static List<WeightedText> parse(String prompt) {
    List<StringBuilder> texts = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    List<Integer> round = new ArrayList<>();
    List<Integer> square = new ArrayList<>();
    int i = 0;
    int n = prompt.length();
    while (i < n) {
      char c = prompt.charAt(i);
      if (c == '\\') {
        if (i + 1 < n && "()[]\\".indexOf(prompt.charAt(i + 1)) >= 0) {
          append(texts, weights, String.valueOf(prompt.charAt(i + 1)));
          i += 2;
        } else {
          append(texts, weights, "\\");
          i++;
        }
      } else if (c == '(') {
        round.add(texts.size());
        i++;
      } else if (c == '[') {
        square.add(texts.size());
        i++;
      } else if (c == ':') {
        int end = explicitWeightEnd(prompt, i);
        if (end > 0 && !round.isEmpty()) {
          double weight = Double.parseDouble(prompt.substring(i + 1, end - 1).strip());
          multiply(weights, round.remove(round.size() - 1), weight);
          i = end;
        } else {
          append(texts, weights, ":");
          i++;
        }
      } else if (c == ')' && !round.isEmpty()) {
        multiply(weights, round.remove(round.size() - 1), ROUND);
        i++;
      } else if (c == ']' && !square.isEmpty()) {
        multiply(weights, square.remove(square.size() - 1), SQUARE);
        i++;
      } else {
        int end = i + 1;
        while (end < n && "\\()[]:".indexOf(prompt.charAt(end)) < 0) {
          end++;
        }
        append(texts, weights, prompt.substring(i, end));
        i = end;
      }
    }
    for (int start : round) {
      multiply(weights, start, ROUND);
    }
    for (int start : square) {
      multiply(weights, start, SQUARE);
    }
    List<WeightedText> runs = new ArrayList<>();
    for (int k = 0; k < texts.size(); k++) {
      WeightedText last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null && last.weight() == weights.get(k)) {
        runs.set(runs.size() - 1, new WeightedText(last.text() + texts.get(k), last.weight()));
      } else {
        runs.add(new WeightedText(texts.get(k).toString(), weights.get(k)));
      }
    }
    return runs.isEmpty() ? List.of(new WeightedText("", 1.0)) : runs;
  }

  /**
   * The index just past {@code ")"} when {@code prompt} has {@code :number)} at {@code colon}
   * (spaces allowed around the number, an optional sign), else -1.
   */
  private static int explicitWeightEnd(String prompt, int colon) {
    int i = colon + 1;
    int n = prompt.length();
    while (i < n && Character.isWhitespace(prompt.charAt(i))) {
      i++;
    }
    if (i < n && (prompt.charAt(i) == '+' || prompt.charAt(i) == '-')) {
      i++;
    }
    int digits = i;
    while (i < n && (Character.isDigit(prompt.charAt(i)) || prompt.charAt(i) == '.')) {
      i++;
    }
    String number = prompt.substring(digits, i);
    if (number.isEmpty() || !number.matches("\\d*\\.?\\d+|\\d+\\.")) {
      return -1;
    }
    while (i < n && Character.isWhitespace(prompt.charAt(i))) {
      i++;
    }
    return i < n && prompt.charAt(i) == ')' ? i + 1 : -1;
  }

  private static void append(List<StringBuilder> texts, List<Double> weights, String text) {
    texts.add(new StringBuilder(text));
    weights.add(1.0);
  }

  private static void multiply(List<Double> weights, int from, double factor) {
    for (int k = from; k < weights.size(); k++) {
      weights.set(k, weights.get(k) * factor);
    }
  }
}
