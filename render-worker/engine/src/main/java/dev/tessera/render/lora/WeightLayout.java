package dev.tessera.render.lora;

/** How a weight initializer lays out a layer's {@code [out, in, …]} matrix. */
public enum WeightLayout {
  /** A MatMul's right operand: {@code [in, out]}, PyTorch's Linear weight transposed. */
  IN_OUT,
  /** A Gemm with {@code transB = 1}: {@code [out, in]}, as PyTorch stores a Linear weight. */
  OUT_IN,
  /** A Conv weight: {@code [out, in, kernel height, kernel width]}. */
  CONV
}
