package dev.tessera.render.image;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Encoding one 2048×2048 RGB image ({@link SyntheticPhoto}: gradients, hard edges, mild grain) to
 * PNG, from an {@link RgbImage} into a byte-counting sink:
 *
 * <ul>
 *   <li>{@code pngWriter}: {@link PngWriter} with a {@code parameters} text chunk;
 *   <li>{@code imageIo}: the {@code javax.imageio} PNG writer with its default settings, no text.
 * </ul>
 *
 * ImageIO's disk cache is switched off, so that its figure is the encoder's and not a temporary
 * file's. {@link #main} runs both and prints time and size side by side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PngEncodeBenchmark {
  private static final int SIZE = 2048;
  private static final Map<String, String> TEXT =
      Map.of(
          "parameters",
          "a lighthouse at dusk, volumetric light\nSteps: 30, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 2048x2048");

  private RgbImage image;

  @Setup(Level.Trial)
  public void setUp() {
    image = SyntheticPhoto.landscape(SIZE, SIZE, 42);
    ImageIO.setUseCache(false);
  }

  @Benchmark
  public long pngWriter() throws IOException {
    CountingSink out = new CountingSink();
    PngWriter.write(image, TEXT, out);
    return out.count;
  }

  @Benchmark
  public long imageIo() throws IOException {
    CountingSink out = new CountingSink();
    ImageIO.write(image.toBufferedImage(), "png", out);
    return out.count;
  }

  /**
   * Counts what it is given and keeps nothing, so that neither encoder pays for growing a buffer.
   */
  static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** Runs both benchmarks and prints ms/op and output size for each. */
  public static void main(String[] args) throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include(PngEncodeBenchmark.class.getName())
                    .forks(1)
                    .warmupIterations(3)
                    .warmupTime(TimeValue.seconds(3))
                    .measurementIterations(5)
                    .measurementTime(TimeValue.seconds(3))
                    .build())
            .run();
    PngEncodeBenchmark sizes = new PngEncodeBenchmark();
    sizes.setUp();
    long ours = sizes.pngWriter();
    long theirs = sizes.imageIo();
    double oursMs = score(results, "pngWriter");
    double theirsMs = score(results, "imageIo");
    System.out.printf(
        "%nEncoding one %dx%d photo-like RGB image to PNG (%d cores):%n",
        SIZE, SIZE, Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "  PngWriter (pngencoder, level %d, 1 thread) %8.1f ms/op %,12d bytes%n",
        PngWriter.COMPRESSION_LEVEL, oursMs, ours);
    System.out.printf(
        "  javax.imageio PNG writer, defaults         %8.1f ms/op %,12d bytes%n", theirsMs, theirs);
    System.out.printf(
        "  PngWriter takes %.2fx the time and writes %.1f%% of the bytes%n",
        oursMs / theirsMs, 100.0 * ours / theirs);
  }

  private static double score(Collection<RunResult> results, String method) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
        .findFirst()
        .orElseThrow()
        .getPrimaryResult()
        .getScore();
  }
}
