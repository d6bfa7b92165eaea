package dev.tessera.render.upscale;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.onnx.InputSpec;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.OnnxSessions;
import dev.tessera.render.onnx.Tensors;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.ImageNetwork;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.TileBlend;
import dev.tessera.render.pipeline.TiledPass;
import dev.tessera.render.pipeline.Tiling;
import dev.tessera.render.pipeline.UnsupportedRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Upscales with any single-network ONNX super-resolution model of the ESRGAN family: {@code [1, 3,
 * H, W]} RGB in [0, 1] → {@code [1, 3, sH, sW]}. The scale s is read from the declared shapes where
 * they are static, else from the output of a small probe run. The image is cut into overlapping
 * tiles whose outputs are cross-faded ({@link TiledPass}), then resampled with Lanczos if s× is not
 * the target size. A model with a fixed (square) input size is run on tiles of exactly that size.
 *
 * <p>Lifetime: {@link #open} loads the session once; every {@link #upscale} reuses it; {@link
 * #close()} releases it and is safe to call twice. Jobs run one at a time (calls are serialised);
 * cancel one through its {@link CancelToken}.
 */
public final class SrUpscaler implements Upscaler {
  /** 128-pixel tiles overlapping by 16. */
  public static final Tiling DEFAULT_TILING = new Tiling(128, 16);

  private static final int PROBE_SIZE = 16;

  private final OnnxSessions sessions;
  private final OnnxModel model;
  private final Path file;
  private final InputSpec input;
  private final ImageNetwork network;
  private final int fixedSize;
  private final TiledPass pass;
  private final int scale;
  private boolean closed;

  private SrUpscaler(OnnxSessions sessions, OnnxModel model, Path file, Tiling tiling)
      throws OrtException {
    this.sessions = sessions;
    this.model = model;
    this.file = file;
    this.input = model.input(null);
    this.network = new ImageNetwork(sessions.env(), model, input);
    InputSpec output = model.output(null);
    requireImageShape("input", input);
    requireImageShape("output", output);
    this.fixedSize = fixedSize(input);
    boolean declared = fixedSize > 0 && !output.isDynamic(2) && !output.isDynamic(3);
    this.scale = declared ? scaleOf(output.shape(), fixedSize) : probeScale();
    Tiling tiles =
        fixedSize > 0 ? new Tiling(fixedSize, Math.min(tiling.overlap(), fixedSize / 2)) : tiling;
    this.pass = new TiledPass(tiles, TileBlend.LINEAR, scale, 3);
  }

  /**
   * Loads the model at {@code path}: an {@code .onnx} file, or a directory holding {@code
   * model.onnx}.
   *
   * @throws IOException when there is no model there or ONNX Runtime cannot load it
   * @throws IllegalArgumentException when the model does not map [1, 3, H, W] to [1, 3, sH, sW]
   */
  public static SrUpscaler open(Path path, EngineOptions engine, Tiling tiling) throws IOException {
    Path file = Files.isDirectory(path) ? path.resolve("model.onnx") : path;
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "sr model " + path + ": expected an .onnx file or a directory with model.onnx");
    }
    OnnxSessions sessions = null;
    try {
      sessions =
          new OnnxSessions(
              "sr model " + file, engine.device(), engine.cudaDevice(), engine.threads());
      return new SrUpscaler(sessions, sessions.load(file, "sr model " + file), file, tiling);
    } catch (OrtException e) {
      if (sessions != null) {
        sessions.close();
      }
      throw new IOException("sr model " + file + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      if (sessions != null) {
        sessions.close();
      }
      throw e;
    }
  }

  private void requireImageShape(String what, InputSpec spec) {
    if (spec.rank() != 4) {
      throw new IllegalArgumentException(
          model.label()
              + ": an sr model maps [1, 3, H, W] to [1, 3, sH, sW], but its "
              + what
              + " '"
              + spec.name()
              + "' has rank "
              + spec.rank()
              + " "
              + Arrays.toString(spec.shape()));
    }
    if (!spec.isDynamic(1) && spec.shape()[1] != 3) {
      throw new IllegalArgumentException(
          model.label()
              + ": an sr model takes and gives 3 RGB channels, but its "
              + what
              + " '"
              + spec.name()
              + "' has "
              + spec.shape()[1]);
    }
  }

  /** The fixed input side of a model that declares one, 0 when height and width are dynamic. */
  private int fixedSize(InputSpec spec) {
    if (spec.isDynamic(2) && spec.isDynamic(3)) {
      return 0;
    }
    if (spec.isDynamic(2) || spec.isDynamic(3) || spec.shape()[2] != spec.shape()[3]) {
      throw new IllegalArgumentException(
          model.label()
              + ": input "
              + spec
              + " has a fixed size that is not square; only square fixed sizes are supported");
    }
    return (int) spec.shape()[2];
  }

  private int probeScale() throws OrtException {
    int side = fixedSize > 0 ? fixedSize : PROBE_SIZE;
    long[] shape = {1, 3, side, side};
    try (OnnxTensor x =
            Tensors.floats(sessions.env(), new float[3 * side * side], shape, input.type());
        Result result = model.run(Map.of(input.name(), x), null)) {
      return scaleOf(Tensors.shape(result.get(0)), side);
    }
  }

  private int scaleOf(long[] out, int side) {
    long scale = out.length == 4 ? out[2] / side : 0;
    if (out.length != 4
        || out[1] != 3
        || scale < 1
        || out[2] != scale * side
        || out[3] != scale * side) {
      throw new IllegalArgumentException(
          model.label()
              + ": a "
              + side
              + "x"
              + side
              + " input gives "
              + Arrays.toString(out)
              + ", not 3 channels at a whole-number scale");
    }
    return (int) scale;
  }

  @Override
  public UpscaleMode mode() {
    return UpscaleMode.SR;
  }

  /**
   * Whether {@code miniature.json}, the label of Tessera's untrained sr miniature, sits beside the
   * model.
   */
  @Override
  public boolean isMiniature() {
    return Files.isRegularFile(file.resolveSibling("miniature.json"));
  }

  /** The model's upscaling factor. */
  public int scale() {
    return scale;
  }

  @Override
  public synchronized Upscaled upscale(
      RgbImage image,
      TargetSize target,
      UpscaleSettings settings,
      RenderListener listener,
      CancelToken cancel)
      throws IOException {
    if (closed) {
      throw new IllegalStateException("sr upscaler is closed");
    }
    if (fixedSize > 0 && (image.width() < fixedSize || image.height() < fixedSize)) {
      throw new UnsupportedRequestException(
          model.label()
              + ": takes a fixed "
              + fixedSize
              + "x"
              + fixedSize
              + " input; the image is only "
              + image.width()
              + "x"
              + image.height());
    }
    return cancel.runCancellable(
        run -> {
          TiledPass.Output out =
              pass.run(UnitPlanar.of(image), model.label(), tile -> network.run(tile, run), cancel);
          RgbImage upscaled = UnitPlanar.toImage(out.image());
          String detail =
              "sr x"
                  + scale
                  + ", "
                  + Tiling.describe(out.tiles())
                  + LanczosUpscaler.fitNote(upscaled, target);
          String parameters =
              "Upscaler: sr x" + scale + " " + file.getFileName() + ", Upscaled size: " + target;
          return new Upscaled(
              LanczosUpscaler.fit(upscaled, target), out.tiles(), detail, parameters);
        });
  }

  @Override
  public synchronized void close() {
    closed = true;
    sessions.close();
  }
}
