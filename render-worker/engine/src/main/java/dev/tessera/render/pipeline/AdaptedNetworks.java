package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import dev.tessera.render.lora.GraphWeights;
import dev.tessera.render.lora.LoraMerge;
import dev.tessera.render.lora.LoraNetwork;
import dev.tessera.render.lora.MergedWeight;
import dev.tessera.render.lora.ModelPatch;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.text.ClipTokenizer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text encoder and UNet of a bundle with a set of LoRA adapters merged in: each network an
 * adapter touches gets its own session, created from the model's bytes with the merged layers in
 * place of the originals ({@link ModelPatch}), on the renderer's execution provider and
 * optimization level. A network no adapter touches is the renderer's own.
 *
 * <p>Lifetime: made by {@link AdapterCache}, which closes it when it is evicted or the renderer
 * closes; {@link #close()} closes its sessions and their options, and is safe to call twice. Not
 * used after close: the cache only evicts between renders.
 */
final class AdaptedNetworks implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AdaptedNetworks.class.getName());

  /** ONNX Runtime's session setting for where a model loaded from bytes finds external data. */
  private static final String EXTERNAL_DATA_FOLDER =
      "session.model_external_initializers_file_folder_path";

  private final List<AutoCloseable> owned = new ArrayList<>();
  private final PromptEncoder prompts;
  private final Unet unet;
  private boolean closed;

  /** What a renderer shares with its adapted networks. */
  record Base(
      ModelBundle bundle,
      OrtEnvironment env,
      EngineOptions options,
      ClipTokenizer tokenizer,
      TextEncoder textEncoder,
      Unet unet) {}

  AdaptedNetworks(Base base, List<LoraMerge.Use> uses) throws IOException {
    try {
      TextEncoder textEncoder = base.textEncoder();
      if (LoraMerge.touches(LoraNetwork.TEXT_ENCODER, uses)) {
        textEncoder = new TextEncoder(base.env(), session(base, LoraNetwork.TEXT_ENCODER, uses));
      }
      Unet adaptedUnet = base.unet();
      if (LoraMerge.touches(LoraNetwork.UNET, uses)) {
        adaptedUnet = new Unet(base.env(), session(base, LoraNetwork.UNET, uses));
      }
      this.unet = adaptedUnet;
      this.prompts = new PromptEncoder(base.tokenizer(), textEncoder, adaptedUnet.contextTokens());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  PromptEncoder prompts() {
    return prompts;
  }

  Unet unet() {
    return unet;
  }

  private OnnxModel session(Base base, LoraNetwork network, List<LoraMerge.Use> uses)
      throws IOException {
    Path file = base.bundle().resolve(network.modelFile());
    Map<String, MergedWeight> merged = LoraMerge.merge(network, GraphWeights.read(file), uses);
    byte[] model = ModelPatch.patch(file, merged);
    try {
      EngineOptions o = base.options();
      SessionOptions options =
          ExecutionProvider.configure(o.device(), o.cudaDevice(), o.threads()).options();
      owned.add(options);
      // Weights in external data files stay there, next to the model file.
      options.addConfigEntry(EXTERNAL_DATA_FOLDER, file.getParent().toString());
      OnnxModel adapted = OnnxModel.load(base.env(), model, network.modelFile(), options);
      owned.add(adapted);
      return adapted;
    } catch (OrtException e) {
      throw new IOException(network.modelFile() + ": with adapters: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Sessions first, then the tensors and options they were built from.
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing adapted networks: " + e.getMessage());
      }
    }
  }
}
