package dev.tessera.render.lora;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers of a LoRA adapter from the tensors of its safetensors file. Knows the two standard
 * layouts: kohya ({@code lora_unet_…}/{@code lora_te_…} with {@code .lora_down.weight}, {@code
 * .lora_up.weight} and an optional {@code .alpha}) and diffusers/PEFT ({@code unet.…}/{@code
 * text_encoder.…} with {@code .lora_A.weight} and {@code .lora_B.weight}, or the older {@code
 * .lora.down.weight}/{@code .lora.up.weight}). Without an alpha a layer's alpha is its rank (scale
 * 1), as PEFT's default. Pure.
 */
public final class LoraFile {
  private static final Map<String, String> DOWN_SUFFIXES =
      Map.of(".lora_down.weight", "down", ".lora_A.weight", "down", ".lora.down.weight", "down");
  private static final Map<String, String> UP_SUFFIXES =
      Map.of(".lora_up.weight", "up", ".lora_B.weight", "up", ".lora.up.weight", "up");
  private static final String ALPHA = ".alpha";

  /** Key prefixes of SDXL adapters (two text encoders), which no SD 1.x/2.x bundle can take. */
  private static final List<String> SDXL_PREFIXES =
      List.of("lora_te1_", "lora_te2_", "text_encoder_2.");

  private LoraFile() {}

  /**
   * The adapter's layers.
   *
   * @param name the adapter's name, for errors
   * @throws LoraException naming the first key that is not a LoRA key of an SD 1.x/2.x network,
   *     lacks its other half, or has a shape that does not pair up
   */
  public static List<LoraLayer> layers(String name, Map<String, SafeTensor> tensors) {
    Map<String, SafeTensor> downs = new LinkedHashMap<>();
    Map<String, SafeTensor> ups = new LinkedHashMap<>();
    Map<String, SafeTensor> alphas = new LinkedHashMap<>();
    for (SafeTensor tensor : tensors.values()) {
      String key = tensor.name();
      for (String prefix : SDXL_PREFIXES) {
        if (key.startsWith(prefix)) {
          throw new LoraException(
              name,
              key,
              "is an SDXL key (" + prefix + "…); this adapter is for another base model");
        }
      }
      String base = strip(key, DOWN_SUFFIXES);
      if (base != null) {
        downs.put(base, tensor);
      } else if ((base = strip(key, UP_SUFFIXES)) != null) {
        ups.put(base, tensor);
      } else if (key.endsWith(ALPHA)) {
        alphas.put(key.substring(0, key.length() - ALPHA.length()), tensor);
      } else {
        throw new LoraException(
            name,
            key,
            "is not a LoRA key (expected …lora_down.weight, …lora_up.weight, …alpha,"
                + " …lora_A.weight or …lora_B.weight)");
      }
    }
    List<LoraLayer> layers = new ArrayList<>();
    for (Map.Entry<String, SafeTensor> entry : downs.entrySet()) {
      String base = entry.getKey();
      SafeTensor down = entry.getValue();
      SafeTensor up = ups.remove(base);
      if (up == null) {
        throw new LoraException(name, down.name(), "has no up (B) weight to pair with");
      }
      layers.add(layer(name, base, down, up, alphas.remove(base)));
    }
    if (!ups.isEmpty()) {
      SafeTensor up = ups.values().iterator().next();
      throw new LoraException(name, up.name(), "has no down (A) weight to pair with");
    }
    if (!alphas.isEmpty()) {
      throw new LoraException(
          name, alphas.values().iterator().next().name(), "is an alpha without its layer");
    }
    if (layers.isEmpty()) {
      throw new LoraException(name, "(none)", "the file holds no LoRA layer");
    }
    return layers;
  }

  private static LoraLayer layer(
      String name, String base, SafeTensor down, SafeTensor up, SafeTensor alpha) {
    LoraNetwork network = null;
    for (LoraNetwork candidate : LoraNetwork.values()) {
      if (base.startsWith(candidate.kohyaPrefix())
          || base.startsWith(candidate.diffusersPrefix())) {
        network = candidate;
      }
    }
    if (network == null) {
      throw new LoraException(
          name,
          down.name(),
          "names no network (expected lora_unet_, lora_te_, unet. or text_encoder.)");
    }
    int downRank = down.shape().length;
    int upRank = up.shape().length;
    boolean linear = downRank == 2 && upRank == 2;
    boolean conv = downRank == 4 && upRank == 4 && up.shape()[2] == 1 && up.shape()[3] == 1;
    if (!linear && !conv) {
      throw new LoraException(
          name,
          down.name(),
          "shapes " + down + " and " + up + " are neither a linear nor a convolution LoRA pair");
    }
    if (down.shape()[0] != up.shape()[1] || down.shape()[0] == 0) {
      throw new LoraException(name, down.name(), "rank of " + down + " does not match " + up);
    }
    double alphaValue = down.shape()[0];
    if (alpha != null) {
      if (alpha.values().length != 1) {
        throw new LoraException(name, alpha.name(), "alpha must be a single number");
      }
      alphaValue = alpha.values()[0];
    }
    return new LoraLayer(network, base, down, up, alphaValue);
  }

  private static String strip(String key, Map<String, String> suffixes) {
    for (String suffix : suffixes.keySet()) {
      if (key.endsWith(suffix)) {
        return key.substring(0, key.length() - suffix.length());
      }
    }
    return null;
  }
}
