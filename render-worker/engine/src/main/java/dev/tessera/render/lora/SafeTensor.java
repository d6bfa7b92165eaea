package dev.tessera.render.lora;

import java.util.Arrays;

/**
 * One tensor of a safetensors file, widened to float.
 *
 * @param name its key in the file
 * @param dtype the stored type: {@code F32}, {@code F16} or {@code BF16}
 * @param shape its dimensions; empty for a scalar
 * @param values row-major values; owned by this record's holder
 */
public record SafeTensor(String name, String dtype, long[] shape, float[] values) {
  /** The dimension at {@code axis}, or 1 past the tensor's rank. */
  public long dim(int axis) {
    return axis < shape.length ? shape[axis] : 1;
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
