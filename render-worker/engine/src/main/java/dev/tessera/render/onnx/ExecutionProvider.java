package dev.tessera.render.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.util.Locale;

/**
 * Chooses where sessions run: the CUDA execution provider when this build of ONNX Runtime has it
 * (the {@code gpu} Maven profile) and a device answers, the CPU provider otherwise.
 */
public enum ExecutionProvider {
  CPU,
  CUDA;

  /** What the user asked for: {@code auto} (CUDA where present), {@code cpu} or {@code cuda}. */
  public enum Preference {
    AUTO,
    CPU,
    CUDA;

    /** Parses {@code auto|cpu|cuda}. */
    public static Preference parse(String text) {
      try {
        return valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("device must be auto, cpu or cuda, got '" + text + "'");
      }
    }
  }

  /**
   * Session options for the provider that {@code preference} and this machine allow, with a
   * one-line description of the choice for the log.
   *
   * @param threads intra-op threads; 0 lets ONNX Runtime decide
   * @throws IllegalArgumentException when CUDA is demanded but this build has no CUDA provider
   */
  public static Choice configure(Preference preference, int cudaDevice, int threads)
      throws OrtException {
    SessionOptions options = baseOptions(threads);
    boolean available = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    if (preference == Preference.CPU) {
      return new Choice(options, CPU, "CPU execution provider (asked for cpu)");
    }
    if (!available) {
      if (preference == Preference.CUDA) {
        options.close();
        throw new IllegalArgumentException(
            "device cuda asked for, but this ONNX Runtime build has no CUDA provider: build with -Pgpu");
      }
      return new Choice(
          options, CPU, "CPU execution provider (this ONNX Runtime build has no CUDA provider)");
    }
    try {
      options.addCUDA(cudaDevice);
      return new Choice(options, CUDA, "CUDA execution provider on device " + cudaDevice);
    } catch (OrtException e) {
      if (preference == Preference.CUDA) {
        options.close();
        throw e;
      }
      // A GPU build on a machine without a usable CUDA runtime: fall back rather than fail the
      // worker.
      options.close();
      return new Choice(
          baseOptions(threads),
          CPU,
          "CPU execution provider (CUDA present but unusable: " + e.getMessage() + ")");
    }
  }

  private static SessionOptions baseOptions(int threads) throws OrtException {
    SessionOptions options = new SessionOptions();
    options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
    if (threads > 0) {
      options.setIntraOpNumThreads(threads);
    }
    return options;
  }

  /**
   * Session options configured for {@code provider}; the caller owns and closes {@code options}.
   */
  public record Choice(SessionOptions options, ExecutionProvider provider, String description) {}
}
