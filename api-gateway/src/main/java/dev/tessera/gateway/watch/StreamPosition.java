package dev.tessera.gateway.watch;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a job's event stream stood at an event, as its id says: {@code <version>.<step>}, and
 * {@code .end} after it for the job's last event. A client resuming with {@code Last-Event-ID} has
 * seen that much.
 */
record StreamPosition(long version, int step, boolean end) {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,18})\\.([0-9]{1,9})(\\.end)?");

  /** The position a {@code Last-Event-ID} names; empty when absent or not one of ours. */
  static Optional<StreamPosition> parse(String lastEventId) {
    Matcher m = lastEventId == null ? null : FORM.matcher(lastEventId.strip());
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new StreamPosition(
            Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), m.group(3) != null));
  }

  /** The id of an event sent at this position. */
  String id() {
    return version + "." + step + (end ? ".end" : "");
  }
}
