package dev.tessera.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An image tarball in the {@code docker save} format (what {@code docker load} reads and what Jib
 * hands to it): {@code manifest.json}, the image's config and its layers, read whole. Each layer's
 * {@code diffId} is the SHA-256 of its uncompressed tar, computed here, not taken from the config.
 */
record ImageTarball(List<String> repoTags, JsonNode config, List<Layer> layers) {

  /** One file system entry of a layer; {@code path} without a leading "/" or "./". */
  record Entry(String path, boolean directory, int uid, int mode) {}

  /** A layer in the manifest's order. */
  record Layer(String diffId, List<Entry> entries) {
    boolean has(String path) {
      return entries.stream().anyMatch(entry -> entry.path().equals(path));
    }

    Entry entry(String path) {
      return entries.stream()
          .filter(entry -> entry.path().equals(path))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + path + " in layer " + diffId));
    }
  }

  static ImageTarball read(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, byte[]> documents = new HashMap<>();
    Map<String, Layer> layersByName = new HashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        if (!entry.isFile()) {
          continue;
        }
        String name = entry.getName();
        if (name.endsWith(".json")) {
          documents.put(name, tar.readAllBytes());
        } else {
          layersByName.put(name, readLayer(tar));
        }
      }
    }
    JsonNode manifests = json.readTree(need(documents, "manifest.json", file));
    if (manifests.size() != 1) {
      throw new IllegalStateException(file + " holds " + manifests.size() + " images, not one");
    }
    JsonNode manifest = manifests.get(0);
    List<String> tags = new ArrayList<>();
    manifest.path("RepoTags").forEach(tag -> tags.add(tag.asText()));
    List<Layer> layers = new ArrayList<>();
    for (JsonNode name : manifest.path("Layers")) {
      Layer layer = layersByName.get(name.asText());
      if (layer == null) {
        throw new IllegalStateException(file + " has no layer " + name.asText());
      }
      layers.add(layer);
    }
    JsonNode config = json.readTree(need(documents, manifest.path("Config").asText(), file));
    return new ImageTarball(List.copyOf(tags), config, List.copyOf(layers));
  }

  /** The layer whose content the outer tar is positioned at, gzip-compressed or not. */
  private static Layer readLayer(InputStream outer) throws IOException {
    BufferedInputStream raw = new BufferedInputStream(outer);
    raw.mark(2);
    boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
    raw.reset();
    MessageDigest digest = DebianJreBase.sha256();
    DigestInputStream uncompressed =
        new DigestInputStream(gzip ? new GzipCompressorInputStream(raw) : raw, digest);
    List<Entry> entries = new ArrayList<>();
    TarArchiveInputStream tar = new TarArchiveInputStream(uncompressed);
    for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
      String path = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
      path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      if (!path.isEmpty() && !path.equals(".")) {
        entries.add(
            new Entry(path, entry.isDirectory(), (int) entry.getLongUserId(), entry.getMode()));
      }
    }
    // The digest covers the whole tar, its end-of-archive blocks included.
    uncompressed.transferTo(OutputStream.nullOutputStream());
    return new Layer("sha256:" + HexFormat.of().formatHex(digest.digest()), List.copyOf(entries));
  }

  private static byte[] need(Map<String, byte[]> documents, String name, Path file) {
    byte[] document = documents.get(name);
    if (document == null) {
      throw new IllegalStateException(file + " has no " + name);
    }
    return document;
  }
}
