package dev.tessera.render.pipeline;

import dev.tessera.common.LoraRef;
import dev.tessera.render.lora.LoraFile;
import dev.tessera.render.lora.LoraLibrary;
import dev.tessera.render.lora.LoraMerge;
import dev.tessera.render.lora.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapted networks of the last few adapter sets a renderer was asked for, so that a run of jobs
 * with the same adapters builds their sessions once. A set is its adapters' names and scales in
 * order, and each file's size and modification time, so a replaced file is merged anew. The least
 * recently used set is closed when a new one would pass the bound.
 *
 * <p>Lifetime: owned by its {@link Renderer}, which calls it only inside its serialised renders and
 * closes it on close; closing closes every cached set. Not thread-safe on its own.
 */
final class AdapterCache implements AutoCloseable {
  /** Adapter sets kept by default: each holds a UNet's changed layers, a few hundred MB at most. */
  static final int DEFAULT_SIZE = 2;

  private final LoraLibrary library;
  private final int size;
  private final LinkedHashMap<List<Object>, AdaptedNetworks> sets =
      new LinkedHashMap<>(16, 0.75f, true);

  /** The networks of one render and whether they came from the cache. */
  record Lookup(AdaptedNetworks networks, boolean cached) {}

  AdapterCache(LoraLibrary library, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("the adapter cache must hold at least 1 set, got " + size);
    }
    this.library = library;
    this.size = size;
  }

  /**
   * The networks with {@code loras} merged in, built when no cached set matches.
   *
   * @throws dev.tessera.render.lora.LoraException when an adapter is missing or does not fit
   */
  Lookup get(List<LoraRef> loras, AdaptedNetworks.Base base) throws IOException {
    List<Path> files = new ArrayList<>();
    List<Object> key = new ArrayList<>();
    for (LoraRef lora : loras) {
      Path file = library.locate(lora.name());
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      files.add(file);
      key.add(List.of(lora.name(), lora.scale(), attributes.size(), attributes.lastModifiedTime()));
    }
    AdaptedNetworks cached = sets.get(key);
    if (cached != null) {
      return new Lookup(cached, true);
    }
    List<LoraMerge.Use> uses = new ArrayList<>();
    for (int i = 0; i < loras.size(); i++) {
      String name = loras.get(i).name();
      uses.add(
          new LoraMerge.Use(
              name, LoraFile.layers(name, SafeTensors.read(files.get(i))), loras.get(i).scale()));
    }
    // Make room first, so a large UNet is never held three times.
    while (sets.size() >= size) {
      Iterator<Map.Entry<List<Object>, AdaptedNetworks>> eldest = sets.entrySet().iterator();
      eldest.next().getValue().close();
      eldest.remove();
    }
    AdaptedNetworks built = new AdaptedNetworks(base, uses);
    sets.put(key, built);
    return new Lookup(built, false);
  }

  /** How many adapter sets are cached now. */
  int cachedSets() {
    return sets.size();
  }

  @Override
  public void close() {
    sets.values().forEach(AdaptedNetworks::close);
    sets.clear();
  }
}
