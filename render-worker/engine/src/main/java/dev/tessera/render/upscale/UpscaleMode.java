package dev.tessera.render.upscale;

import dev.tessera.render.pipeline.UnsupportedRequestException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a render is brought to its delivery size. */
public enum UpscaleMode {
  /**
   * A Stable Diffusion x4 upscaler bundle, tiled with Mixture of Diffusers ({@link X4Upscaler}).
   */
  X4("x4"),
  /**
   * A single-network ONNX super-resolution model such as ESRGAN, tiled with feathering ({@link
   * SrUpscaler}).
   */
  SR("sr"),
  /** Lanczos resampling, the baseline ({@link LanczosUpscaler}). */
  LANCZOS("lanczos");

  private final String cliName;

  UpscaleMode(String cliName) {
    this.cliName = cliName;
  }

  /** The name on command lines, in timings and in PNG parameters. */
  public String cliName() {
    return cliName;
  }

  /** Whether this mode runs a model that has to be given ({@code --upscaler}). */
  public boolean needsModel() {
    return this != LANCZOS;
  }

  /**
   * Finds a mode by its {@link #cliName()}, ignoring case.
   *
   * @throws UnsupportedRequestException naming the allowed values when {@code name} matches none
   */
  public static UpscaleMode parse(String name) {
    for (UpscaleMode mode : values()) {
      if (mode.cliName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    String allowed =
        Arrays.stream(values()).map(UpscaleMode::cliName).collect(Collectors.joining(", "));
    throw new UnsupportedRequestException(
        "unknown upscale mode '" + name + "'; known modes: " + allowed);
  }
}
