package dev.tessera.render.lora;

import ai.onnxruntime.platform.Fp16Conversions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/** Reads the values of one {@link WeightSlot} from its file, widened to float. */
final class WeightReader {
  private WeightReader() {}

  static float[] read(WeightSlot slot) throws IOException {
    if (slot.length() > Integer.MAX_VALUE) {
      throw new IOException(slot + ": over 2 GiB");
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) slot.length()).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(slot.file(), StandardOpenOption.READ)) {
      long at = slot.offset();
      while (bytes.hasRemaining()) {
        int read = channel.read(bytes, at);
        if (read < 0) {
          throw new IOException(slot.file() + ": ends inside the weights of " + slot.initializer());
        }
        at += read;
      }
    }
    bytes.flip();
    int width = slot.dataType() == 1 ? 4 : 2;
    float[] values = new float[(int) (slot.length() / width)];
    for (int i = 0; i < values.length; i++) {
      values[i] =
          switch (slot.dataType()) {
            case 1 -> bytes.getFloat(i * 4);
            case 10 -> Fp16Conversions.fp16ToFloat(bytes.getShort(i * 2));
            default -> Float.intBitsToFloat((bytes.getShort(i * 2) & 0xffff) << 16);
          };
    }
    return values;
  }
}
