package dev.tessera.render.miniature;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Counts a model's learned parameters as PyTorch's {@code sum(p.numel())} would: the elements of
 * the initializers named like state-dict entries ({@code ….weight}, {@code ….bias}), leaving out
 * what the export adds as constants (reshape shapes, attention scales, masks, the unit scales of
 * the InstanceNormalization behind each GroupNorm).
 */
public final class ParameterCount {
  private ParameterCount() {}

  public static long of(ModelProto model) {
    long count = 0;
    for (TensorProto tensor : model.getGraph().getInitializerList()) {
      String name = tensor.getName();
      if (name.endsWith(".weight") || name.endsWith(".bias")) {
        long elements = 1;
        for (long dim : tensor.getDimsList()) {
          elements *= dim;
        }
        count += elements;
      }
    }
    return count;
  }
}
