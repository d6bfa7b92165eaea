package dev.tessera.render.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sessions of one bundle, all on one execution provider: loads each model file once and closes
 * them together.
 *
 * <p>Lifetime: the session options live as long as the set; {@link #close()} closes every model
 * loaded through it, then the options, and is safe to call twice. Loading is meant for start-up
 * (one thread); running the loaded models is thread-safe.
 */
public final class OnnxSessions implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(OnnxSessions.class.getName());

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final ExecutionProvider.Choice provider;
  private final List<OnnxModel> models = new ArrayList<>();
  private boolean closed;

  /**
   * Chooses the execution provider and logs the choice under {@code name}.
   *
   * @param threads intra-op threads; 0 lets ONNX Runtime decide
   */
  public OnnxSessions(String name, ExecutionProvider.Preference device, int cudaDevice, int threads)
      throws OrtException {
    this.provider = ExecutionProvider.configure(device, cudaDevice, threads);
    LOG.log(Level.INFO, "{0}: {1}", name, provider.description());
  }

  public OrtEnvironment env() {
    return env;
  }

  /** Where the sessions run (CPU or CUDA) and why. */
  public ExecutionProvider.Choice provider() {
    return provider;
  }

  /** Loads {@code file}, labelled {@code label} in errors, into this set. */
  public synchronized OnnxModel load(Path file, String label) throws IOException {
    if (closed) {
      throw new IllegalStateException("sessions are closed");
    }
    OnnxModel model = OnnxModel.load(env, file, label, provider.options());
    models.add(model);
    return model;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (OnnxModel model : models) {
      try {
        model.close();
      } catch (OrtException e) {
        LOG.log(Level.WARNING, "closing " + model.label() + ": " + e.getMessage());
      }
    }
    provider.options().close();
  }
}
