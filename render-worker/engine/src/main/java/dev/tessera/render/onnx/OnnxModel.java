package dev.tessera.render.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.OrtSession.RunOptions;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Owns one {@link OrtSession} loaded from an ONNX file and describes its inputs and outputs.
 *
 * <p>Lifetime: the session lives until {@link #close()}, which is safe to call more than once.
 * {@link #run} may be called from several threads (ONNX Runtime sessions are thread-safe), but not
 * after close. The tensors passed to {@code run} stay owned by the caller; the returned {@link
 * Result} is owned by the caller and must be closed.
 */
public final class OnnxModel implements AutoCloseable {
  private final String label;
  private final OrtSession session;
  private final Map<String, InputSpec> inputs;
  private final Map<String, InputSpec> outputs;
  private volatile boolean closed;

  private OnnxModel(String label, OrtSession session) throws OrtException {
    this.label = label;
    this.session = session;
    this.inputs = specs(session.getInputInfo());
    this.outputs = specs(session.getOutputInfo());
  }

  /**
   * Loads {@code file}; {@code label} names it in errors (e.g. {@code unet/model.onnx}).
   *
   * @throws IOException when the file is missing or ONNX Runtime cannot load it
   */
  public static OnnxModel load(
      OrtEnvironment env, Path file, String label, OrtSession.SessionOptions options)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(label + ": file not found (" + file + ")");
    }
    try {
      return new OnnxModel(label, env.createSession(file.toString(), options));
    } catch (OrtException e) {
      throw new IOException(label + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a model from its bytes (e.g. a bundle's graph with LoRA weights merged in); {@code label}
   * names it in errors.
   *
   * @throws IOException when ONNX Runtime cannot load it
   */
  public static OnnxModel load(
      OrtEnvironment env, byte[] model, String label, OrtSession.SessionOptions options)
      throws IOException {
    try {
      return new OnnxModel(label, env.createSession(model, options));
    } catch (OrtException e) {
      throw new IOException(label + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
    }
  }

  private static Map<String, InputSpec> specs(Map<String, NodeInfo> infos) {
    Map<String, InputSpec> specs = new LinkedHashMap<>();
    for (NodeInfo info : infos.values()) {
      if (info.getInfo() instanceof TensorInfo t) {
        specs.put(info.getName(), new InputSpec(info.getName(), t.type, t.getShape()));
      }
    }
    return specs;
  }

  /** The file's label, e.g. {@code unet/model.onnx}. */
  public String label() {
    return label;
  }

  /**
   * The named input, or the model's first input when {@code name} is null.
   *
   * @throws IllegalArgumentException naming the model and the inputs it has, when there is no such
   *     input
   */
  public InputSpec input(String name) {
    InputSpec spec = name == null ? inputs.values().iterator().next() : inputs.get(name);
    if (spec == null) {
      throw new IllegalArgumentException(
          label + ": has no input '" + name + "' (inputs: " + inputs.values() + ")");
    }
    return spec;
  }

  /** Whether the model declares this input. */
  public boolean hasInput(String name) {
    return inputs.containsKey(name);
  }

  /** The named output, or the model's first output when {@code name} is null. */
  public InputSpec output(String name) {
    InputSpec spec = name == null ? outputs.values().iterator().next() : outputs.get(name);
    if (spec == null) {
      throw new IllegalArgumentException(
          label + ": has no output '" + name + "' (outputs: " + outputs.values() + ")");
    }
    return spec;
  }

  /** Whether the model declares this output. */
  public boolean hasOutput(String name) {
    return outputs.containsKey(name);
  }

  /**
   * Runs the model.
   *
   * @param runOptions lets another thread terminate the run; may be null
   */
  public Result run(Map<String, OnnxTensor> feeds, RunOptions runOptions) throws OrtException {
    if (closed) {
      throw new IllegalStateException(label + ": the model's session is closed");
    }
    return runOptions == null ? session.run(feeds) : session.run(feeds, runOptions);
  }

  @Override
  public synchronized void close() throws OrtException {
    if (!closed) {
      closed = true;
      session.close();
    }
  }
}
