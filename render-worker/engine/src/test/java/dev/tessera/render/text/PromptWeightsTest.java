package dev.tessera.render.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The emphasis syntax, checked against the examples AUTOMATIC1111 documents for its parser. */
class PromptWeightsTest {
  private static void assertRuns(List<WeightedText> expected, List<WeightedText> actual) {
    assertEquals(expected.size(), actual.size(), () -> "runs: " + actual);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).text(), actual.get(i).text(), "text of run " + i);
      assertEquals(expected.get(i).weight(), actual.get(i).weight(), 1e-12, "weight of run " + i);
    }
  }

  private static WeightedText run(String text, double weight) {
    return new WeightedText(text, weight);
  }

  @Test
  void plainTextIsOneRunOfWeightOne() {
    assertRuns(List.of(run("normal text", 1.0)), PromptWeights.parse("normal text"));
    assertFalse(PromptWeights.uses("normal text, with: punctuation!"));
  }

  @Test
  void roundBracketsMultiplyByOnePointOne() {
    assertRuns(
        List.of(run("an ", 1.0), run("important", 1.1), run(" word", 1.0)),
        PromptWeights.parse("an (important) word"));
    assertTrue(PromptWeights.uses("an (important) word"));
  }

  @Test
  void anUnclosedBracketRunsToTheEnd() {
    assertRuns(List.of(run("unbalanced", 1.1)), PromptWeights.parse("(unbalanced"));
  }

  @Test
  void escapesStandForTheCharacter() {
    assertRuns(List.of(run("(literal]", 1.0)), PromptWeights.parse("\\(literal\\]"));
    assertRuns(List.of(run("a\\b", 1.0)), PromptWeights.parse("a\\\\b"));
  }

  @Test
  void neighboursOfEqualWeightMerge() {
    assertRuns(
        List.of(run("unnecessaryparens", 1.1)), PromptWeights.parse("(unnecessary)(parens)"));
  }

  @Test
  void explicitWeightsNestAndSquareBracketsDivide() {
    assertRuns(
        List.of(
            run("a ", 1.0),
            run("house", 1.3 * 1.1 * 1.1),
            run(" ", 1.1),
            run("on", 1.0),
            run(" a ", 1.1),
            run("hill", 0.5 * 1.1),
            run(", sun, ", 1.1),
            run("sky", 1.1 * 1.1 * 1.1 * 1.1),
            run(".", 1.1)),
        PromptWeights.parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky)))."));
  }

  @Test
  void explicitWeightAllowsSpacesAndSign() {
    assertRuns(
        List.of(run("rain", 1.25), run(" and ", 1.0), run("fog", -0.5)),
        PromptWeights.parse("(rain: 1.25 ) and (fog:-0.5)"));
  }

  @Test
  void aColonWithoutANumberIsText() {
    assertRuns(List.of(run("style: photo", 1.1)), PromptWeights.parse("(style: photo)"));
  }

  @Test
  void squareBracketsAlone() {
    assertRuns(List.of(run("blur", 1 / 1.1)), PromptWeights.parse("[blur]"));
  }

  @Test
  void aStrayClosingBracketIsText() {
    assertRuns(List.of(run("a) b]", 1.0)), PromptWeights.parse("a) b]"));
  }

  @Test
  void emptyPromptIsOneEmptyRun() {
    assertRuns(List.of(run("", 1.0)), PromptWeights.parse(""));
    assertRuns(List.of(run("", 1.0)), PromptWeights.parse("()"));
  }
}
