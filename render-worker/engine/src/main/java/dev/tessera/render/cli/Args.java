package dev.tessera.render.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line arguments: {@code --name value} options, {@code --flag} switches and
 * positional words. Every accessor marks its option as known; {@link #finish()} then rejects
 * whatever the command did not ask for.
 */
public final class Args {
  private final Map<String, String> options = new LinkedHashMap<>();
  private final Map<String, List<String>> repeated = new LinkedHashMap<>();
  private final Set<String> flags = new HashSet<>();
  private final List<String> positional = new ArrayList<>();
  private final Set<String> asked = new HashSet<>();

  /**
   * @param switches option names that take no value
   */
  public Args(List<String> words, Set<String> switches) {
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.startsWith("--") && word.length() > 2) {
        String name = word.substring(2);
        int eq = name.indexOf('=');
        if (eq >= 0) {
          put(name.substring(0, eq), name.substring(eq + 1));
        } else if (switches.contains(name)) {
          flags.add(name);
        } else if (i + 1 < words.size()) {
          put(name, words.get(++i));
        } else {
          throw new UsageException("--" + name + " needs a value");
        }
      } else {
        positional.add(word);
      }
    }
  }

  private void put(String name, String value) {
    options.put(name, value);
    repeated.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
  }

  /** Every value of an option that may be given more than once, in order; empty when absent. */
  public List<String> strings(String name) {
    asked.add(name);
    return List.copyOf(repeated.getOrDefault(name, List.of()));
  }

  public String string(String name, String fallback) {
    asked.add(name);
    return options.getOrDefault(name, fallback);
  }

  public String required(String name) {
    String value = string(name, null);
    if (value == null) {
      throw new UsageException("--" + name + " is required");
    }
    return value;
  }

  public Path path(String name) {
    return Path.of(required(name));
  }

  public boolean flag(String name) {
    asked.add(name);
    return flags.contains(name);
  }

  public int integer(String name, int fallback) {
    String value = string(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + ": not a whole number: '" + value + "'");
    }
  }

  public long longValue(String name, long fallback) {
    String value = string(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + ": not a whole number: '" + value + "'");
    }
  }

  public double decimal(String name, double fallback) {
    String value = string(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + ": not a number: '" + value + "'");
    }
  }

  public List<String> positional() {
    return positional;
  }

  /** Rejects options and switches the command never asked about. */
  public void finish() {
    for (String name : options.keySet()) {
      if (!asked.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
    }
    for (String name : flags) {
      if (!asked.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
    }
  }
}
