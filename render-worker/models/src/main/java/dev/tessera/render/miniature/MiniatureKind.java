package dev.tessera.render.miniature;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The models a miniature bundle can imitate: Stable Diffusion variants and the two upscaler
 * families. Each kind reproduces the I/O contract of one family of real exports (see {@link
 * MiniatureBundle}); the CLI name is what {@code --kind} accepts.
 */
public enum MiniatureKind {
  /**
   * Like stable-diffusion-2-1-base: epsilon prediction, PNDM, int32 ids, int64 timestep of shape
   * [1].
   */
  SD2("sd2"),
  /**
   * Like stable-diffusion-2-1: v prediction, DDIM, int64 ids, float32 scalar timestep of shape [].
   */
  SD2_V("sd2-v"),
  /**
   * Like stable-diffusion-v1-5 as older exports wrote it: UNet with a static batch of 1, float32
   * timestep [batch].
   */
  SD1("sd1"),
  /**
   * Like stable-diffusion-x4-upscaler: a 7-channel UNet (latents ‖ low-res RGB) with int64 {@code
   * class_labels} (the noise level), a DDIM v-prediction scheduler, a low-res DDPM schedule and a
   * ×4 VAE decoder; no VAE encoder.
   */
  X4_UPSCALER("x4-upscaler"),
  /**
   * A single-network ESRGAN-style super-resolution model, {@code [batch, 3, H, W]} → {@code [batch,
   * 3, 4H, 4W]}.
   */
  SR("sr");

  private final String cliName;

  MiniatureKind(String cliName) {
    this.cliName = cliName;
  }

  /** The name used on command lines and in logs, e.g. {@code sd2-v}. */
  public String cliName() {
    return cliName;
  }

  /**
   * Finds a kind by its {@link #cliName()}, ignoring case.
   *
   * @throws IllegalArgumentException naming the allowed values when {@code name} matches none
   */
  public static MiniatureKind parse(String name) {
    for (MiniatureKind kind : values()) {
      if (kind.cliName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    String allowed =
        Arrays.stream(values()).map(MiniatureKind::cliName).collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        "unknown miniature kind '" + name + "'; allowed: " + allowed);
  }
}
