package dev.tessera.deploy;

import dev.tessera.render.cli.EngineCli;
import java.util.List;

/** The {@code ./farm} launcher's entry point: dispatches each command to the module that owns it. */
public final class Farm {
  private Farm() {}

  public static void main(String[] args) {
    List<String> words = List.of(args);
    if (!words.isEmpty() && EngineCli.COMMANDS.contains(words.get(0))) {
      System.exit(EngineCli.run(words, System.out, System.err));
    }
    System.err.println("usage: ./farm COMMAND ...\n\nengine commands (need no services):\n" + EngineCli.usage());
    System.exit(EngineCli.BAD_INPUT);
  }
}
