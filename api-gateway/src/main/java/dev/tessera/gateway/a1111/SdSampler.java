package dev.tessera.gateway.a1111;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An A1111 sampler the farm renders, and the farm's scheduler for it. A1111 names its samplers
 * ({@code Euler a}) and their k-diffusion aliases ({@code k_euler_a}); before version 1.9 the
 * Karras sigmas were samplers of their own ({@code DPM++ 2M Karras}), since then they are its
 * {@code scheduler} field ({@code Karras}), and both are understood.
 *
 * @param farmScheduler the farm's wire name (see {@link dev.tessera.common.Sampler})
 * @param karras whether this name implies Karras sigmas
 */
record SdSampler(
    String name,
    List<String> aliases,
    Map<String, String> options,
    String farmScheduler,
    boolean karras) {

  static final List<SdSampler> ALL =
      List.of(
          new SdSampler("DPM++ 2M", List.of("k_dpmpp_2m"), Map.of(), "dpmpp-2m", false),
          new SdSampler(
              "DPM++ 2M Karras",
              List.of("k_dpmpp_2m_ka"),
              Map.of("scheduler", "karras"),
              "dpmpp-2m",
              true),
          new SdSampler(
              "Euler a",
              List.of("k_euler_a", "k_euler_ancestral"),
              Map.of("uses_ensd", "True"),
              "euler-a",
              false),
          new SdSampler("Euler", List.of("k_euler"), Map.of(), "euler", false),
          new SdSampler("DDIM", List.of(), Map.of(), "ddim", false));

  /** The sampler named {@code name} or one of its aliases, in any case. */
  static Optional<SdSampler> named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return ALL.stream()
        .filter(
            s ->
                Stream.concat(Stream.of(s.name), s.aliases.stream())
                    .anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(wanted)))
        .findFirst();
  }

  /**
   * Whether A1111's {@code scheduler} field asks for Karras sigmas: {@code Karras} does, {@code
   * Automatic} (the sampler's own) and {@code Uniform} do not; the others are not offered.
   */
  static Optional<Boolean> karrasScheduler(String scheduler) {
    if (scheduler == null) {
      return Optional.of(false);
    }
    return switch (scheduler.toLowerCase(Locale.ROOT)) {
      case "automatic", "uniform" -> Optional.of(false);
      case "karras" -> Optional.of(true);
      default -> Optional.empty();
    };
  }
}
