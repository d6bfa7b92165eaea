package dev.tessera.render.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where ONNX Runtime ran each node, read from a session's profile (its JSON trace names the
 * execution provider of every kernel it timed). ONNX Runtime's Java API cannot list the provider
 * assignment of a session otherwise, and a CUDA session silently runs nodes it has no kernel for on
 * the CPU, so this is how the bench proves the network ran on the GPU.
 *
 * @param kernelsByProvider kernel runs per provider, e.g. {@code CUDAExecutionProvider=612}
 * @param heavyOnCpu op types among {@link #HEAVY} that ran on the CPU provider
 */
record NodePlacement(Map<String, Integer> kernelsByProvider, Set<String> heavyOnCpu) {
  /** Operators that carry a UNet's cost; one of them on the CPU would dominate a GPU step. */
  static final Set<String> HEAVY =
      Set.of(
          "Conv",
          "MatMul",
          "Gemm",
          "Softmax",
          "InstanceNormalization",
          "LayerNormalization",
          "Attention",
          "MultiHeadAttention",
          "FusedConv",
          "FusedMatMul");

  static final String CPU = "CPUExecutionProvider";

  /** Reads the trace {@code OrtSession.endProfiling} wrote. */
  static NodePlacement read(Path profile) throws IOException {
    JsonNode events = new ObjectMapper().readTree(profile.toFile());
    Map<String, Integer> byProvider = new TreeMap<>();
    Set<String> heavyOnCpu = new TreeSet<>();
    for (JsonNode event : events) {
      JsonNode args = event.path("args");
      if (!"Node".equals(event.path("cat").asText()) || !args.has("provider")) {
        continue;
      }
      String provider = args.get("provider").asText();
      byProvider.merge(provider, 1, Integer::sum);
      String op = args.path("op_name").asText();
      if (CPU.equals(provider) && HEAVY.contains(op)) {
        heavyOnCpu.add(op);
      }
    }
    return new NodePlacement(byProvider, heavyOnCpu);
  }

  /** Kernel runs on providers other than the CPU's. */
  int offCpu() {
    return kernelsByProvider.entrySet().stream()
        .filter(e -> !CPU.equals(e.getKey()))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }
}
