package dev.tessera.render.lora;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The weight initializer of one layer of an ONNX graph, and where its bytes are.
 *
 * @param module the layer's module path as the node name keeps it, e.g. {@code
 *     down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q}
 * @param initializer the initializer's name, which {@code SessionOptions.addInitializer} overrides
 * @param layout how the matrix is laid out
 * @param dims the initializer's dimensions
 * @param dataType its ONNX element type (1 float, 10 float16, 16 bfloat16)
 * @param file the file holding the bytes: the model itself, or its external data file
 * @param offset where the raw little-endian bytes start in {@code file}
 * @param length how many bytes they take
 */
public record WeightSlot(
    String module,
    String initializer,
    WeightLayout layout,
    long[] dims,
    int dataType,
    Path file,
    long offset,
    long length) {
  /** Output features: rows of the layer's {@code [out, in]} matrix. */
  public long out() {
    return layout == WeightLayout.IN_OUT ? dims[1] : dims[0];
  }

  /** Input features (times the kernel's taps for a convolution). */
  public long in() {
    return switch (layout) {
      case IN_OUT -> dims[0];
      case OUT_IN -> dims[1];
      case CONV -> dims[1] * dims[2] * dims[3];
    };
  }

  @Override
  public String toString() {
    return module + " (" + initializer + " " + Arrays.toString(dims) + ")";
  }
}
