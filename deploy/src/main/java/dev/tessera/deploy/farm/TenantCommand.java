package dev.tessera.deploy.farm;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code ./farm tenant create|list|add-key|revoke-key}: operators' commands for tenants and their
 * API keys, against the database of the farm {@code ./farm up} runs ({@code .farm/stack.env}), or
 * the one {@code TESSERA_JDBC_URL}, {@code TESSERA_JDBC_USER} and {@code TESSERA_JDBC_PASSWORD}
 * name. A key is printed once, when made. {@code --operator} makes a tenant that may read farm-wide
 * views ({@code GET /v1/workers}).
 */
public final class TenantCommand {
  public static final String USAGE =
      String.join(
          "\n",
          "  ./farm tenant create NAME [--weight W] [--max-queued N] [--rate R] [--operator]",
          "  ./farm tenant list",
          "  ./farm tenant add-key NAME",
          "  ./farm tenant revoke-key KEY-PREFIX");

  /** Options that take no value; present means true. */
  private static final Set<String> FLAGS = Set.of("operator");

  private TenantCommand() {}

  /** The words of a command line, with its {@code --name value} options and flags split off. */
  record Arguments(List<String> words, Map<String, String> options) {
    static Arguments parse(List<String> args) {
      List<String> words = new ArrayList<>();
      Map<String, String> options = new LinkedHashMap<>();
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (!arg.startsWith("--")) {
          words.add(arg);
          continue;
        }
        String name = arg.substring(2);
        if (FLAGS.contains(name)) {
          options.put(name, "true");
        } else if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(arg + " needs a value");
        } else {
          options.put(name, args.get(++i));
        }
      }
      return new Arguments(words, options);
    }
  }

  /**
   * Runs {@code args}, the words after {@code tenant}.
   *
   * @throws IllegalArgumentException for bad input, naming it
   */
  public static void run(FarmHome home, List<String> args, PrintStream out) throws IOException {
    Arguments arguments = Arguments.parse(args);
    List<String> words = arguments.words();
    Map<String, String> options = arguments.options();
    String sub = words.isEmpty() ? "" : words.get(0);
    TenantStore tenants = new TenantStore(database(home));
    try {
      switch (sub) {
        case "create" -> {
          String name = only(words, "create NAME");
          boolean operator = options.remove("operator") != null;
          TenantStore.Created created =
              tenants.create(
                  name,
                  intOption(options, "weight", Tenant.DEFAULT_WEIGHT),
                  intOption(options, "max-queued", Tenant.DEFAULT_MAX_QUEUED),
                  rateOption(options),
                  operator);
          out.println(
              (operator ? "operator tenant " : "tenant ")
                  + name
                  + " created; its API key (shown this once):");
          out.println(created.key());
        }
        case "add-key" -> {
          noOptions(options);
          out.println(tenants.addKey(only(words, "add-key NAME")));
        }
        case "revoke-key" -> {
          noOptions(options);
          String prefix = only(words, "revoke-key KEY-PREFIX");
          if (!tenants.revokeKey(prefix)) {
            throw new IllegalArgumentException("no active key starts with '" + prefix + "'");
          }
          out.println("revoked " + prefix);
        }
        case "list" -> {
          noOptions(options);
          if (words.size() != 1) {
            throw new IllegalArgumentException("list takes no arguments");
          }
          out.printf(
              Locale.ROOT,
              "%-20s %8s %6s %10s %8s %8s %8s  %s%n",
              "tenant",
              "operator",
              "weight",
              "max-queued",
              "rate/s",
              "waiting",
              "running",
              "keys");
          for (TenantStore.Listing l : tenants.list()) {
            out.printf(
                Locale.ROOT,
                "%-20s %8s %6d %10d %8.1f %8d %8d  %s%n",
                l.tenant().name(),
                l.tenant().operator() ? "yes" : "no",
                l.tenant().weight(),
                l.tenant().maxQueued(),
                l.tenant().ratePerSecond(),
                l.waiting(),
                l.running(),
                String.join(" ", l.keyPrefixes()));
          }
        }
        default ->
            throw new IllegalArgumentException(
                (sub.isEmpty() ? "tenant needs a command" : "unknown tenant command '" + sub + "'")
                    + "\nusage:\n"
                    + USAGE);
      }
    } catch (SQLException e) {
      throw new IOException("tenant database: " + e.getMessage(), e);
    }
  }

  private static String only(List<String> words, String form) {
    if (words.size() != 2) {
      throw new IllegalArgumentException("expected: ./farm tenant " + form);
    }
    return words.get(1);
  }

  private static void noOptions(Map<String, String> options) {
    if (!options.isEmpty()) {
      throw new IllegalArgumentException("unknown option --" + options.keySet().iterator().next());
    }
  }

  private static int intOption(Map<String, String> options, String name, int fallback) {
    String value = options.remove(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + ": expected a whole number, got '" + value + "'");
    }
  }

  private static double rateOption(Map<String, String> options) {
    String value = options.remove("rate");
    if (value == null) {
      noOptions(options);
      return Tenant.DEFAULT_RATE;
    }
    noOptions(options);
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--rate: expected a number of requests per second, got '" + value + "'");
    }
  }

  /** The running farm's database ({@code .farm/stack.env}), else the one the environment names. */
  private static PGSimpleDataSource database(FarmHome home) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    if (Files.exists(home.stackEnv())) {
      for (String line : Files.readAllLines(home.stackEnv())) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          env.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
        }
      }
    } else if (System.getenv("TESSERA_JDBC_URL") != null) {
      env.put("JDBC_URL", System.getenv("TESSERA_JDBC_URL"));
      env.put("JDBC_USER", System.getenv().getOrDefault("TESSERA_JDBC_USER", ""));
      env.put("JDBC_PASSWORD", System.getenv().getOrDefault("TESSERA_JDBC_PASSWORD", ""));
    } else {
      throw new IllegalArgumentException(
          "no farm is up (no "
              + home.stackEnv()
              + ") and TESSERA_JDBC_URL is not set: start one with ./farm up, or name the database");
    }
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setUrl(env.get("JDBC_URL"));
    db.setUser(env.getOrDefault("JDBC_USER", ""));
    db.setPassword(env.getOrDefault("JDBC_PASSWORD", ""));
    db.setConnectTimeout(10);
    db.setSocketTimeout(30);
    return db;
  }
}
