package dev.tessera.render.lora;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a renderer finds adapter files by name. */
public interface LoraLibrary {
  /** The file name of adapter {@code name}. */
  static String fileName(String name) {
    return name + ".safetensors";
  }

  /**
   * The file of adapter {@code name}, fetched first where the library must.
   *
   * @throws LoraException when there is no adapter of that name (retrying cannot help)
   * @throws IOException when it could not be fetched (retrying may)
   */
  Path locate(String name) throws IOException;

  /** No adapters: every job that names one fails, saying so. */
  LoraLibrary NONE =
      name -> {
        throw new LoraException(
            "LoRA adapter " + name + ": this worker has no adapter directory configured");
      };

  /** Adapters as {@code <name>.safetensors} files in {@code dir}. */
  static LoraLibrary directory(Path dir) {
    return name -> {
      Path file = dir.resolve(fileName(name));
      if (!Files.isRegularFile(file)) {
        throw new LoraException("LoRA adapter " + name + ": no " + file);
      }
      return file;
    };
  }
}
