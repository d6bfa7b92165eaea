package dev.tessera.render.lora;

/** The networks of a Stable Diffusion bundle that an adapter can change, with its key prefixes. */
public enum LoraNetwork {
  TEXT_ENCODER("lora_te_", "text_encoder.", "text_encoder/model.onnx"),
  UNET("lora_unet_", "unet.", "unet/model.onnx");

  private final String kohyaPrefix;
  private final String diffusersPrefix;
  private final String modelFile;

  LoraNetwork(String kohyaPrefix, String diffusersPrefix, String modelFile) {
    this.kohyaPrefix = kohyaPrefix;
    this.diffusersPrefix = diffusersPrefix;
    this.modelFile = modelFile;
  }

  /** Prefix of kohya-style keys, e.g. {@code lora_unet_}. */
  public String kohyaPrefix() {
    return kohyaPrefix;
  }

  /** Prefix of diffusers/PEFT keys, e.g. {@code unet.}. */
  public String diffusersPrefix() {
    return diffusersPrefix;
  }

  /** The network's model in a bundle, e.g. {@code unet/model.onnx}. */
  public String modelFile() {
    return modelFile;
  }
}
