package dev.tessera.render.fetch;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Extracts a gzip-compressed tar archive (an npm package tarball): regular files and directories,
 * ustar names with their prefix, and PAX {@code path} records for long names; links and devices are
 * skipped. Stateless.
 */
public final class TarGz {
  private static final int BLOCK = 512;

  private TarGz() {}

  /**
   * Extracts {@code archive} into {@code dir}.
   *
   * @throws IOException when the archive is truncated or malformed, or an entry would land outside
   *     {@code dir}
   */
  public static void extract(Path archive, Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    try (InputStream in =
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      byte[] header = new byte[BLOCK];
      String longName = null;
      while (true) {
        if (!readBlock(in, header)) {
          return;
        }
        if (isZero(header)) {
          return;
        }
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        long size = octal(header, 124, 12, archive);
        char type = (char) header[156];
        if (type == 'x' || type == 'g') {
          String pax = new String(readBytes(in, size), StandardCharsets.UTF_8);
          skipPadding(in, size);
          if (type == 'x') {
            longName = paxPath(pax);
          }
          continue;
        }
        if (longName != null) {
          name = longName;
          longName = null;
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
          throw new IOException(archive + ": entry " + name + " would land outside " + dir);
        }
        if (type == '5') {
          Files.createDirectories(target);
        } else if (type == '0' || type == 0) {
          Files.createDirectories(target.getParent());
          try (OutputStream out = Files.newOutputStream(target)) {
            copy(in, out, size);
          }
          skipPadding(in, size);
          continue;
        }
        skip(in, size);
        skipPadding(in, size);
      }
    }
  }

  private static String paxPath(String records) {
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int read = in.readNBytes(block, 0, BLOCK);
    if (read == 0) {
      return false;
    }
    if (read < BLOCK) {
      throw new EOFException("tar archive ends inside a header");
    }
    return true;
  }

  private static byte[] readBytes(InputStream in, long size) throws IOException {
    byte[] bytes = in.readNBytes(Math.toIntExact(size));
    if (bytes.length != size) {
      throw new EOFException("tar archive ends inside an entry");
    }
    return bytes;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException("tar archive ends inside an entry");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long size) throws IOException {
    copy(in, OutputStream.nullOutputStream(), size);
  }

  private static void skipPadding(InputStream in, long size) throws IOException {
    long padding = (BLOCK - size % BLOCK) % BLOCK;
    skip(in, padding);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] header, int offset, int length, Path archive)
      throws IOException {
    String text = field(header, offset, length).trim();
    try {
      return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    } catch (NumberFormatException e) {
      throw new IOException(archive + ": malformed tar header (size '" + text + "')", e);
    }
  }
}
