package dev.tessera.render.cli;

import java.io.PrintStream;
import java.util.List;

/** Warnings the CLI prints on stderr. */
final class Warnings {
  private Warnings() {}

  /** Names the words that did not fit into the text encoder's window. */
  static void droppedWords(List<String> dropped, int maxTokens, PrintStream err) {
    if (!dropped.isEmpty()) {
      err.println(
          "warning: prompt longer than the model's "
              + maxTokens
              + " tokens; dropped: "
              + String.join(" ", dropped));
    }
  }
}
