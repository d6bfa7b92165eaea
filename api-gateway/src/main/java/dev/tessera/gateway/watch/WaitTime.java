package dev.tessera.gateway.watch;

import java.time.Duration;
import java.util.regex.Pattern;

/** The {@code ?wait=N} of a status GET: whole seconds from 0 to {@value #MAX_SECONDS}. */
public final class WaitTime {
  public static final int MAX_SECONDS = 60;

  private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}");

  private WaitTime() {}

  /**
   * How long the request may wait; zero when {@code wait} is absent.
   *
   * @throws InvalidWaitException when it is not a whole number of seconds from 0 to 60
   */
  public static Duration parse(String wait) {
    if (wait == null) {
      return Duration.ZERO;
    }
    if (!SECONDS.matcher(wait).matches() || Integer.parseInt(wait) > MAX_SECONDS) {
      throw new InvalidWaitException(
          "must be a whole number of seconds from 0 to " + MAX_SECONDS + ", got '" + wait + "'");
    }
    return Duration.ofSeconds(Integer.parseInt(wait));
  }
}
