package dev.tessera.gateway.openai;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An image size OpenAI's API offers, and how the farm delivers it: the size it renders at (SD
 * models are trained at 512 px and up, so nothing renders smaller) and whether it upscales (with
 * the farm's default upscaler, to 2048 on the long side). The gateway then fits the delivered image
 * to the exact size (see {@link dev.tessera.gateway.compat.ImageFit}).
 *
 * @param upscale {@code none}, or null for the farm's default upscaler
 */
record OpenAiSize(
    String name, int width, int height, int renderWidth, int renderHeight, String upscale) {
  static final String DEFAULT = "1024x1024";

  static final List<OpenAiSize> ALL =
      List.of(
          new OpenAiSize("256x256", 256, 256, 512, 512, "none"),
          new OpenAiSize("512x512", 512, 512, 512, 512, "none"),
          new OpenAiSize("1024x1024", 1024, 1024, 512, 512, null),
          new OpenAiSize("1536x1024", 1536, 1024, 768, 512, null),
          new OpenAiSize("1024x1536", 1024, 1536, 512, 768, null),
          new OpenAiSize("1792x1024", 1792, 1024, 896, 512, null),
          new OpenAiSize("1024x1792", 1024, 1792, 512, 896, null),
          new OpenAiSize("2048x2048", 2048, 2048, 512, 512, null));

  /** The size {@code name} asks for: {@code auto} (and none) is {@value #DEFAULT}. */
  static Optional<OpenAiSize> named(String name) {
    String wanted = name == null || name.equals("auto") ? DEFAULT : name;
    return ALL.stream().filter(size -> size.name.equals(wanted)).findFirst();
  }

  static List<String> names() {
    return Stream.concat(ALL.stream().map(OpenAiSize::name), Stream.of("auto")).toList();
  }
}
