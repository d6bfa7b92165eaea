package dev.tessera.render.lora;

/**
 * An adapter that cannot be applied to this model, naming the adapter and the key at fault: a key
 * that is no LoRA key, a layer the graph does not have, a shape that does not fit. Retrying cannot
 * help.
 */
public final class LoraException extends IllegalArgumentException {
  public LoraException(String adapter, String key, String problem) {
    super("LoRA adapter " + adapter + ": key " + key + " " + problem);
  }

  public LoraException(String message) {
    super(message);
  }
}
