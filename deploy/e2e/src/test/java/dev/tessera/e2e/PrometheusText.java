package dev.tessera.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scrape in Prometheus' text exposition format (version 0.0.4), parsed into samples: a metric
 * name, its labels and a value. Comments ({@code # HELP}, {@code # TYPE}) and blank lines are
 * skipped; label values are unescaped ({@code \\}, {@code \"}, {@code \n}); values may be {@code
 * +Inf}, {@code -Inf} or {@code NaN}; a trailing timestamp is ignored. A line that is none of these
 * fails the parse, naming the line.
 */
final class PrometheusText {
  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        samples.add(new LineReader(line).sample());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
      }
    }
    return new PrometheusText(samples);
  }

  List<Sample> samples() {
    return samples;
  }

  /** The value of the sample named {@code name} whose labels are exactly {@code labels}. */
  Optional<Double> value(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }

  /**
   * The sum over the samples named {@code name} whose labels include {@code labels}; 0 when there
   * is none (a counter not yet incremented is not exported).
   */
  double sum(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }

  /** Reads one sample line from left to right. */
  private static final class LineReader {
    private final String line;
    private int at;

    LineReader(String line) {
      this.line = line;
    }

    Sample sample() {
      String name = name();
      Map<String, String> labels = new LinkedHashMap<>();
      if (peek() == '{') {
        at++;
        skipSpaces();
        while (peek() != '}') {
          String label = name();
          skipSpaces();
          expect('=');
          skipSpaces();
          if (labels.put(label, quoted()) != null) {
            throw new IllegalArgumentException("label " + label + " given twice");
          }
          skipSpaces();
          if (peek() == ',') {
            at++;
            skipSpaces();
          } else if (peek() != '}') {
            throw new IllegalArgumentException("expected ',' or '}' at column " + (at + 1));
          }
        }
        at++;
      }
      if (peek() != ' ' && peek() != '\t') {
        throw new IllegalArgumentException("expected a space before the value at " + (at + 1));
      }
      String[] rest = line.substring(at).strip().split("[ \t]+");
      if (rest.length > 2) {
        throw new IllegalArgumentException("expected a value and at most a timestamp");
      }
      return new Sample(name, labels, number(rest[0]));
    }

    private String name() {
      int start = at;
      while (at < line.length()) {
        char c = line.charAt(at);
        boolean first = at == start;
        if (Character.isLetter(c) || c == '_' || c == ':' || !first && Character.isDigit(c)) {
          at++;
        } else {
          break;
        }
      }
      if (at == start) {
        throw new IllegalArgumentException("expected a name at column " + (at + 1));
      }
      return line.substring(start, at);
    }

    private String quoted() {
      expect('"');
      StringBuilder value = new StringBuilder();
      while (true) {
        if (at >= line.length()) {
          throw new IllegalArgumentException("unterminated label value");
        }
        char c = line.charAt(at++);
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\') {
          if (at >= line.length()) {
            throw new IllegalArgumentException("unterminated escape");
          }
          char escaped = line.charAt(at++);
          switch (escaped) {
            case '\\' -> value.append('\\');
            case '"' -> value.append('"');
            case 'n' -> value.append('\n');
            default -> throw new IllegalArgumentException("unknown escape \\" + escaped);
          }
        } else {
          value.append(c);
        }
      }
    }

    private static double number(String text) {
      return switch (text) {
        case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> {
          try {
            yield Double.parseDouble(text);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a value: " + text, e);
          }
        }
      };
    }

    private char peek() {
      return at < line.length() ? line.charAt(at) : '\0';
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "' at column " + (at + 1));
      }
      at++;
    }

    private void skipSpaces() {
      while (peek() == ' ' || peek() == '\t') {
        at++;
      }
    }
  }
}
