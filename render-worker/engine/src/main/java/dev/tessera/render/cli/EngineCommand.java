package dev.tessera.render.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A command that a module beside the engine adds to {@link EngineCli}, found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.tessera.render.cli.EngineCommand}); the
 * miniature generators add {@code model}, and offer the bundle {@code render} uses without {@code
 * --model}. Implementations need a public no-argument constructor.
 */
public interface EngineCommand {
  /** The word that selects it, e.g. {@code model}. */
  String name();

  /** Its usage lines, as {@link EngineCli#usage()} lists them. */
  String usage();

  /**
   * Runs it.
   *
   * @throws UsageException for input it cannot run with
   */
  void run(List<String> args, PrintStream out, PrintStream err) throws IOException;

  /**
   * The bundle {@code render} uses when given no {@code --model}, written on first use; empty if it
   * has none.
   */
  default Optional<Path> defaultBundle(PrintStream err) throws IOException {
    return Optional.empty();
  }
}
