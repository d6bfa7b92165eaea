package dev.tessera.common;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The samplers (diffusers schedulers) a render can ask for, by their wire names. */
public enum Sampler {
  DDIM("ddim"),
  EULER("euler"),
  EULER_ANCESTRAL("euler-a"),
  DPMPP_2M("dpmpp-2m");

  private final String wireName;

  Sampler(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the command line, in the API and in PNG metadata. */
  public String wireName() {
    return wireName;
  }

  /** Every wire name, in declaration order, for error messages. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(Sampler::wireName).toList();
  }

  /** The sampler with this wire name, if any (exact, lower case). */
  public static Optional<Sampler> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }
}
