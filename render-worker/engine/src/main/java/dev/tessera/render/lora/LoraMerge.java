package dev.tessera.render.lora;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds adapters' low-rank deltas to a network's weights: for each layer, W + scale × alpha / rank ×
 * B·A, with B·A laid out as the initializer is ({@code [in, out]} for a MatMul, {@code [out, in,
 * kh, kw]} for a Conv). A layer is found by its module path in the graph's node names, spelt the
 * kohya way ({@code lora_unet_} + path with {@code _} for {@code .}) or the diffusers way ({@code
 * unet.} + path). Pure but for reading the base weights.
 */
public final class LoraMerge {
  /**
   * One adapter at one strength.
   *
   * @param name the adapter's name, for errors
   * @param layers its layers
   * @param scale the strength asked for; 0 leaves every weight as it is
   */
  public record Use(String name, List<LoraLayer> layers, double scale) {}

  private LoraMerge() {}

  /**
   * The merged weights of {@code network} for {@code uses}, by initializer name; empty when no
   * adapter touches the network.
   *
   * @throws LoraException naming the adapter and key whose layer the graph lacks or whose shape
   *     does not fit it
   * @throws IOException when the base weights cannot be read
   */
  public static Map<String, MergedWeight> merge(
      LoraNetwork network, GraphWeights graph, List<Use> uses) throws IOException {
    Map<String, WeightSlot> byKey = new HashMap<>();
    for (WeightSlot slot : graph.slots().values()) {
      byKey.put(network.kohyaPrefix() + slot.module().replace('.', '_'), slot);
      byKey.put(network.diffusersPrefix() + slot.module(), slot);
    }
    Map<String, MergedWeight> merged = new LinkedHashMap<>();
    for (Use use : uses) {
      for (LoraLayer layer : use.layers()) {
        if (layer.network() != network) {
          continue;
        }
        WeightSlot slot = byKey.get(layer.key());
        if (slot == null) {
          throw new LoraException(
              use.name(), layer.down().name(), "names no layer of " + network.modelFile());
        }
        checkShape(use.name(), layer, slot);
        MergedWeight weight = merged.get(slot.initializer());
        if (weight == null) {
          weight = new MergedWeight(slot, WeightReader.read(slot));
          merged.put(slot.initializer(), weight);
        }
        double factor = use.scale() * layer.alpha() / layer.rank();
        if (factor != 0) {
          addDelta(weight, layer, (float) factor);
        }
      }
    }
    return merged;
  }

  private static void checkShape(String adapter, LoraLayer layer, WeightSlot slot) {
    long in = 1;
    for (int axis = 1; axis < layer.down().shape().length; axis++) {
      in *= layer.down().shape()[axis];
    }
    long out = layer.up().shape()[0];
    if (in != slot.in() || out != slot.out()) {
      throw new LoraException(
          adapter,
          layer.down().name(),
          "makes a "
              + out
              + "×"
              + in
              + " delta, but "
              + slot
              + " is "
              + slot.out()
              + "×"
              + slot.in()
              + " (an adapter for another base model?)");
    }
  }

  /** W += factor × B·A in the slot's layout. */
  private static void addDelta(MergedWeight weight, LoraLayer layer, float factor) {
    WeightSlot slot = weight.slot();
    float[] w = weight.values();
    float[] a = layer.down().values();
    float[] b = layer.up().values();
    int rank = (int) layer.rank();
    int in = (int) slot.in();
    int out = (int) slot.out();
    boolean transposed = slot.layout() == WeightLayout.IN_OUT;
    double[] row = new double[in];
    for (int o = 0; o < out; o++) {
      Arrays.fill(row, 0);
      for (int r = 0; r < rank; r++) {
        double br = b[o * rank + r];
        if (br == 0) {
          continue;
        }
        int aRow = r * in;
        for (int i = 0; i < in; i++) {
          row[i] += br * a[aRow + i];
        }
      }
      for (int i = 0; i < in; i++) {
        int at = transposed ? i * out + o : o * in + i;
        w[at] += (float) (factor * row[i]);
      }
    }
  }

  /**
   * Whether any adapter in {@code uses} changes {@code network}, which then needs its own session.
   */
  public static boolean touches(LoraNetwork network, List<Use> uses) {
    return uses.stream()
        .flatMap(use -> use.layers().stream())
        .anyMatch(layer -> layer.network() == network);
  }
}
