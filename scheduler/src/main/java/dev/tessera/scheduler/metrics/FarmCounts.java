package dev.tessera.scheduler.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One reading of what the farm's gauges show, each count keyed by its two label values.
 *
 * @param backlog jobs per [model, state], state {@code queued} or {@code dispatched}
 * @param workers live workers per [model, status], status {@code busy}, {@code idle} or {@code
 *     draining} (finishing its job before it stops); a worker of several models counts for each
 */
record FarmCounts(Map<List<String>, Long> backlog, Map<List<String>, Long> workers) {
  static final List<String> STATES = List.of("queued", "dispatched");
  static final List<String> STATUSES = List.of("busy", "idle", "draining");

  FarmCounts {
    backlog = Map.copyOf(backlog);
    workers = Map.copyOf(workers);
  }

  /**
   * These counts with a 0 for every state and status of every model named anywhere in them, so that
   * a model's series appear together: a pool with idle workers shows a backlog of 0, not none.
   */
  FarmCounts complete() {
    Set<String> models = new TreeSet<>();
    backlog.keySet().forEach(k -> models.add(k.get(0)));
    workers.keySet().forEach(k -> models.add(k.get(0)));
    return new FarmCounts(filled(backlog, models, STATES), filled(workers, models, STATUSES));
  }

  private static Map<List<String>, Long> filled(
      Map<List<String>, Long> counts, Set<String> models, List<String> values) {
    Map<List<String>, Long> out = new HashMap<>(counts);
    for (String model : models) {
      for (String value : values) {
        out.putIfAbsent(List.of(model, value), 0L);
      }
    }
    return out;
  }
}
