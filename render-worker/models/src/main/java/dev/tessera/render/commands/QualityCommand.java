package dev.tessera.render.commands;

import dev.tessera.render.cli.Args;
import dev.tessera.render.cli.EngineCommand;
import dev.tessera.render.cli.UsageException;
import dev.tessera.render.esrgan.EsrganModels;
import dev.tessera.render.esrgan.EsrganVariant;
import dev.tessera.render.image.AreaDownscale;
import dev.tessera.render.image.Bicubic;
import dev.tessera.render.image.Lanczos;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.Tiling;
import dev.tessera.render.quality.Photo;
import dev.tessera.render.quality.QualityRun;
import dev.tessera.render.quality.SamplePhotos;
import dev.tessera.render.upscale.SrUpscaler;
import dev.tessera.render.upscale.TargetSize;
import dev.tessera.render.upscale.UpscaleSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code quality [--images DIR] [--variants slim,medium,thick] [--scale 4] [--crop 512] [--tiles
 * 64,128,256,512] [--out FILE.md]}: picture quality of the upscalers on real photographs (PSNR and
 * SSIM on luma against the originals, {@link QualityRun}), then the speed of each ESRGAN variant on
 * the sr path at several tile sizes. Prints a Markdown report.
 */
public final class QualityCommand implements EngineCommand {
  private static final UpscaleSettings UNUSED = UpscaleSettings.of("", "", 0);
  private static final int SPEED_OVERLAP = 16;
  private static final int SPEED_SIDE = 512;

  @Override
  public String name() {
    return "quality";
  }

  @Override
  public String usage() {
    return "quality [--images DIR] [--variants slim,medium,thick] [--scale 2|3|4|8] [--crop N (512; 0: whole)]\n"
        + "          [--tiles 64,128,256,512] [--threads N] [--out FILE.md]";
  }

  @Override
  public void run(List<String> words, PrintStream out, PrintStream err) throws IOException {
    Args args = new Args(words, Set.of());
    String images = args.string("images", null);
    List<EsrganVariant> variants = new ArrayList<>();
    for (String name : args.string("variants", "slim,medium,thick").split(",")) {
      variants.add(EsrganVariant.parse(name.trim()));
    }
    int scale = EsrganVariant.checkScale(args.integer("scale", 4));
    int crop = args.integer("crop", 512);
    List<Integer> tiles = new ArrayList<>();
    for (String tile : args.string("tiles", "64,128,256,512").split(",")) {
      try {
        tiles.add(new Tiling(Integer.parseInt(tile.trim()), SPEED_OVERLAP).size());
      } catch (IllegalArgumentException e) {
        throw new UsageException(
            "--tiles: not a tile size above " + SPEED_OVERLAP + ": '" + tile + "'");
      }
    }
    EngineOptions engine =
        EngineOptions.defaults()
            .withDevice(EngineOptions.defaults().device(), 0, args.integer("threads", 0));
    String report = args.string("out", null);
    args.finish();
    if (crop < 0) {
      throw new UsageException("--crop: must be 0 or more, got " + crop);
    }

    List<Photo> photos;
    if (images == null) {
      err.println("reading the sample photos of Debian's " + SamplePhotos.DEBIAN_PACKAGE + "...");
      photos = SamplePhotos.defaults();
    } else {
      photos = SamplePhotos.fromDirectory(Path.of(images));
    }
    Map<String, Path> models = new LinkedHashMap<>();
    for (EsrganVariant variant : variants) {
      err.println(
          "ESRGAN " + variant.cliName() + " x" + scale + " (fetched and converted once)...");
      models.put("ESRGAN " + variant.cliName(), EsrganModels.cached(variant, scale));
    }

    List<SrUpscaler> open = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    try {
      Map<String, QualityRun.Method> methods = new LinkedHashMap<>();
      methods.put("Lanczos", Lanczos::resize);
      methods.put("bicubic", Bicubic::resize);
      for (Map.Entry<String, Path> model : models.entrySet()) {
        SrUpscaler sr = SrUpscaler.open(model.getValue(), engine, SrUpscaler.DEFAULT_TILING);
        open.add(sr);
        methods.put(model.getKey(), (low, w, h) -> upscale(sr, low, w, h));
      }
      err.println("measuring " + photos.size() + " photos...");
      QualityRun.Result result = QualityRun.measure(photos, scale, crop, methods);
      text.append(table(result, photos));
      text.append(gains(result));
    } finally {
      open.forEach(SrUpscaler::close);
    }
    text.append(speed(models, photos.get(0), scale, tiles, engine, err));
    out.print(text);
    if (report != null) {
      Files.writeString(Path.of(report), text.toString());
      err.println("wrote " + report);
    }
  }

  private static RgbImage upscale(SrUpscaler sr, RgbImage low, int width, int height)
      throws IOException {
    return sr.upscale(
            low, new TargetSize(width, height), UNUSED, RenderListener.NONE, new CancelToken())
        .image();
  }

  private static String table(QualityRun.Result r, List<Photo> photos) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "Each photo shrunk x%d by area averaging and brought back; PSNR (dB) / SSIM on luma (BT.601 Y), a %d px border left out:%n%n",
            r.scale(),
            r.scale()));
    s.append("| photo | size |");
    r.scores().keySet().forEach(m -> s.append(' ').append(m).append(" |"));
    s.append("\n|---|---|");
    r.scores().keySet().forEach(m -> s.append("---|"));
    s.append('\n');
    for (int i = 0; i < r.photos().size(); i++) {
      s.append("| ").append(r.photos().get(i)).append(" | ").append(r.sizes().get(i)).append(" |");
      for (List<QualityRun.Score> scores : r.scores().values()) {
        QualityRun.Score score = scores.get(i);
        s.append(String.format(Locale.ROOT, " %.2f / %.4f |", score.psnr(), score.ssim()));
      }
      s.append('\n');
    }
    s.append("| **mean** | |");
    for (String method : r.scores().keySet()) {
      s.append(
          String.format(Locale.ROOT, " **%.2f / %.4f** |", r.meanPsnr(method), r.meanSsim(method)));
    }
    s.append("\n\nPhotos:\n");
    photos.forEach(
        p -> s.append("- ").append(p.name()).append(": ").append(p.source()).append('\n'));
    return s.toString();
  }

  /** Each ESRGAN variant against Lanczos: the mean gain, and the photos where it lost. */
  private static String gains(QualityRun.Result r) {
    StringBuilder s = new StringBuilder("\n");
    List<QualityRun.Score> lanczos = r.scores().get("Lanczos");
    for (String method : r.scores().keySet()) {
      if (!method.startsWith("ESRGAN")) {
        continue;
      }
      List<QualityRun.Score> scores = r.scores().get(method);
      List<String> lost = new ArrayList<>();
      for (int i = 0; i < scores.size(); i++) {
        if (scores.get(i).psnr() < lanczos.get(i).psnr()) {
          lost.add(
              String.format(
                  Locale.ROOT,
                  "%s (%+.2f dB)",
                  r.photos().get(i),
                  scores.get(i).psnr() - lanczos.get(i).psnr()));
        }
      }
      s.append(
          String.format(
              Locale.ROOT,
              "%s against Lanczos: %+.2f dB PSNR, %+.4f SSIM on average; %s%n",
              method,
              r.meanPsnr(method) - r.meanPsnr("Lanczos"),
              r.meanSsim(method) - r.meanSsim("Lanczos"),
              lost.isEmpty() ? "better on every photo" : "worse on " + String.join(", ", lost)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "(time of the measured upscales: Lanczos %.0f ms, bicubic %.0f ms per megapixel out)%n",
            r.msPerMegapixel("Lanczos"),
            r.msPerMegapixel("bicubic")));
    return s.toString();
  }

  /**
   * Milliseconds per megapixel out of each model on the tiled sr path, per tile size: the first
   * photo's centre (at most {@value #SPEED_SIDE} px a side) upscaled after one warm-up run, best of
   * two.
   */
  private static String speed(
      Map<String, Path> models,
      Photo photo,
      int scale,
      List<Integer> tiles,
      EngineOptions engine,
      PrintStream err)
      throws IOException {
    int side = Math.min(SPEED_SIDE, Math.min(photo.image().width(), photo.image().height()));
    RgbImage input =
        AreaDownscale.crop(
            photo.image(),
            (photo.image().width() - side) / 2,
            (photo.image().height() - side) / 2,
            side,
            side);
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%nSpeed on the tiled sr path, %dx%d -> %dx%d, %d px overlap, %d CPU threads (ms per megapixel out; best of 2 after a warm-up):%n%n| model |",
                side,
                side,
                side * scale,
                side * scale,
                SPEED_OVERLAP,
                engine.threads() == 0
                    ? Runtime.getRuntime().availableProcessors()
                    : engine.threads()));
    tiles.forEach(t -> s.append(" tile ").append(t).append(" |"));
    s.append(" fastest |\n|---|");
    tiles.forEach(t -> s.append("---|"));
    s.append("---|\n");
    TargetSize target = new TargetSize(side * scale, side * scale);
    for (Map.Entry<String, Path> model : models.entrySet()) {
      err.println("timing " + model.getKey() + "...");
      s.append("| ").append(model.getKey()).append(" |");
      double best = Double.MAX_VALUE;
      int fastest = 0;
      for (int tile : tiles) {
        try (SrUpscaler sr =
            SrUpscaler.open(model.getValue(), engine, new Tiling(tile, SPEED_OVERLAP))) {
          upscale(sr, input, target.width(), target.height());
          long nanos = Long.MAX_VALUE;
          for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            upscale(sr, input, target.width(), target.height());
            nanos = Math.min(nanos, System.nanoTime() - t0);
          }
          double msPerMp = nanos / 1e6 / (target.width() * (double) target.height() / 1e6);
          s.append(String.format(Locale.ROOT, " %.0f |", msPerMp));
          if (msPerMp < best) {
            best = msPerMp;
            fastest = tile;
          }
        }
      }
      s.append(" ").append(fastest).append(" |\n");
    }
    return s.toString();
  }
}
