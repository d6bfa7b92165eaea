package dev.tessera.render.image;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Passes a PNG stream through and inserts extra chunks right after its IHDR chunk, for an encoder
 * that has no API for them. Call {@link #finish} when the encoder is done.
 */
final class AfterHeaderOutputStream extends FilterOutputStream {
  /** The 8-byte signature, then IHDR: length, type, 13 data bytes, CRC. */
  private static final int HEADER_LENGTH = 8 + 4 + 4 + 13 + 4;

  private static final int IHDR = 0x49484452;

  private final byte[] header = new byte[HEADER_LENGTH];
  private int headerBytes;
  private byte[] chunks;

  AfterHeaderOutputStream(OutputStream out, byte[] chunks) {
    super(out);
    this.chunks = chunks;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (chunks != null) {
      int n = Math.min(len, HEADER_LENGTH - headerBytes);
      System.arraycopy(b, off, header, headerBytes, n);
      headerBytes += n;
      off += n;
      len -= n;
      if (headerBytes < HEADER_LENGTH) {
        return;
      }
      ByteBuffer view = ByteBuffer.wrap(header);
      if (view.getInt(8) != 13 || view.getInt(12) != IHDR) {
        throw new IOException("the PNG encoder did not start with an IHDR chunk");
      }
      out.write(header);
      out.write(chunks);
      chunks = null;
    }
    if (len > 0) {
      out.write(b, off, len);
    }
  }

  /** Fails if the stream ended before the chunks could be inserted. */
  void finish() throws IOException {
    if (chunks != null) {
      throw new IOException("the PNG encoder wrote only " + headerBytes + " bytes");
    }
    out.flush();
  }
}
