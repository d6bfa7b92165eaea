package dev.tessera.render.lora;

/**
 * One layer's low-rank pair from an adapter file, not yet matched to a graph.
 *
 * @param network the network its key names
 * @param key the key's layer part as written: {@code lora_unet_down_blocks_0_…} (kohya) or {@code
 *     unet.down_blocks.0.…} (diffusers)
 * @param down A, {@code [rank, in]} or {@code [rank, in, kh, kw]}
 * @param up B, {@code [out, rank]} or {@code [out, rank, 1, 1]}
 * @param alpha the adapter's alpha for this layer; its delta is scaled by alpha / rank
 */
public record LoraLayer(
    LoraNetwork network, String key, SafeTensor down, SafeTensor up, double alpha) {
  public long rank() {
    return down.shape()[0];
  }
}
