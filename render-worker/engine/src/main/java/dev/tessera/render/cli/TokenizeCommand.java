package dev.tessera.render.cli;

import dev.tessera.render.text.ClipTokenizer;
import dev.tessera.render.text.Tokenization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code tokenize --model DIR TEXT}: prints the input ids as a JSON array; warns about dropped
 * words.
 */
final class TokenizeCommand {
  private TokenizeCommand() {}

  static void run(List<String> words, PrintStream out, PrintStream err) throws IOException {
    Args args = new Args(words, Set.of());
    Path model = args.path("model");
    args.finish();
    if (args.positional().isEmpty()) {
      throw new UsageException("tokenize needs the TEXT to tokenize");
    }
    ClipTokenizer tokenizer = ClipTokenizer.load(model.resolve("tokenizer"));
    Tokenization tokens = tokenizer.tokenize(String.join(" ", args.positional()));
    Warnings.droppedWords(tokens.droppedWords(), tokenizer.maxLength(), err);
    out.println(
        Arrays.stream(tokens.ids())
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(", ", "[", "]")));
  }
}
