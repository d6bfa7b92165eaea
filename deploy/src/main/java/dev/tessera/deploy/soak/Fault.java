package dev.tessera.deploy.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The faults a soak injects, by the names {@code --faults} takes. */
public enum Fault {
  /** A render worker SIGKILLed; the launcher starts it again. */
  WORKER_KILL("worker-kill"),
  /** A render worker SIGSTOPped (a hung worker) for a while, then SIGCONTed. */
  WORKER_STOP("worker-stop"),
  /** The Kafka broker stopped and started again. */
  BROKER("broker"),
  /** PostgreSQL stopped for a few seconds and started again. */
  DATABASE("database"),
  /** The S3 server stopped for a few seconds and started again. */
  S3("s3"),
  /** The leading scheduler SIGKILLed and a new one started. */
  SCHEDULER("scheduler"),
  /** The API gateway SIGKILLed and a new one started on its port. */
  GATEWAY("gateway");

  private final String name;

  Fault(String name) {
    this.name = name;
  }

  public String label() {
    return name;
  }

  /**
   * The faults named in {@code list}, comma-separated, in that order; {@code all} names every one.
   *
   * @throws IllegalArgumentException naming a word that is no fault, and the faults there are
   */
  public static List<Fault> parse(String list) {
    if (list.strip().equals("all")) {
      return List.of(values());
    }
    List<Fault> faults = new ArrayList<>();
    for (String word : list.split(",")) {
      String name = word.strip().toLowerCase(Locale.ROOT);
      faults.add(
          Arrays.stream(values())
              .filter(f -> f.name.equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--faults: unknown fault '"
                              + word.strip()
                              + "'; expected all or a comma-separated list of "
                              + Arrays.stream(values())
                                  .map(Fault::label)
                                  .collect(Collectors.joining(", ")))));
    }
    return faults;
  }
}
