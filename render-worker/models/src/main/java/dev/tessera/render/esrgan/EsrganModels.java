package dev.tessera.render.esrgan;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.render.fetch.FetchCache;
import dev.tessera.render.fetch.Npm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes ONNX sr models from UpscalerJS's ESRGAN packages: fetches the package with npm ({@link
 * Npm}), reads the layers model of the scale asked for and converts it ({@link
 * LayersModelConverter}). Stateless.
 */
public final class EsrganModels {
  private EsrganModels() {}

  /** The unpacked npm package of {@code variant}, fetched on first use. */
  public static Path fetchPackage(EsrganVariant variant) throws IOException {
    return Npm.unpacked(variant.packageName(), EsrganVariant.VERSION);
  }

  /** {@code models/x<scale>/model.json} of an unpacked package. */
  public static Path layersModel(Path pkg, int scale) {
    return pkg.resolve("models")
        .resolve("x" + EsrganVariant.checkScale(scale))
        .resolve("model.json");
  }

  /**
   * Fetches, converts and writes {@code variant}'s ×{@code scale} model to {@code out}.
   *
   * @throws IOException when npm or the package fails, or the file cannot be written
   * @throws IllegalArgumentException when a layer cannot be converted, naming it
   */
  public static void convert(EsrganVariant variant, int scale, Path out) throws IOException {
    Path pkg = fetchPackage(variant);
    ModelProto model = fromPackage(variant, scale, pkg);
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path partial =
        out.resolveSibling(out.getFileName() + ".partial-" + ProcessHandle.current().pid());
    try {
      Files.write(partial, model.toByteArray());
      Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** The ONNX model of the package unpacked at {@code pkg}. */
  static ModelProto fromPackage(EsrganVariant variant, int scale, Path pkg) throws IOException {
    LayersModel layers = LayersModel.read(layersModel(pkg, scale));
    String license =
        new ObjectMapper()
            .readTree(pkg.resolve("package.json").toFile())
            .path("license")
            .asText("?");
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(
        "source", variant.packageName() + "@" + EsrganVariant.VERSION + " models/x" + scale);
    metadata.put("license", license);
    metadata.put("scale", Integer.toString(scale));
    metadata.put("input", "input [batch, 3, height, width] RGB in [0, 1]");
    metadata.put(
        "output",
        "output [batch, 3, " + scale + "*height, " + scale + "*width] RGB in [0, 1], clipped");
    metadata.put("pixel_range_folded_in", "0-" + (int) variant.range());
    String doc =
        "ESRGAN "
            + variant.cliName()
            + " x"
            + scale
            + " converted from the TensorFlow.js layers model of "
            + variant.packageName()
            + "@"
            + EsrganVariant.VERSION
            + " ("
            + license
            + ")";
    return LayersModelConverter.convert(layers, variant.range(), doc, metadata);
  }

  /**
   * The converted model of {@code variant} ×{@code scale} in the cache ({@code esrgan/} under
   * {@link FetchCache}), converted on first use.
   */
  public static Path cached(EsrganVariant variant, int scale) throws IOException {
    Path file =
        FetchCache.dir()
            .resolve("esrgan")
            .resolve(variant.cliName() + "-" + EsrganVariant.VERSION + "-x" + scale + ".onnx");
    if (!Files.isRegularFile(file)) {
      convert(variant, scale, file);
    }
    return file;
  }
}
