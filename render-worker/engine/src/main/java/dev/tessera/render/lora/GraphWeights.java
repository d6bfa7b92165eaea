package dev.tessera.render.lora;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers of an exported ONNX graph that a LoRA adapter can change, by module path: each MatMul,
 * Gemm or Conv node whose weight is an initializer (directly or through one Cast, as fp16 storage
 * does), named as exporters name nodes, {@code /module/path/OpType}. Optimum and torch.onnx keep
 * PyTorch's module path in those names ({@code
 * /text_model/encoder/layers.0/self_attn/q_proj/MatMul}), while initializer names are often
 * anonymous ({@code onnx::MatMul_1234}); so the node, not the initializer, says which layer a
 * weight belongs to. Reads the model's protobuf directly; the weights themselves stay where they
 * are until {@link WeightReader} reads them.
 */
public final class GraphWeights {
  private static final int FLOAT = 1;
  private static final int FLOAT16 = 10;
  private static final int BFLOAT16 = 16;

  private final Map<String, WeightSlot> slots;

  private GraphWeights(Map<String, WeightSlot> slots) {
    this.slots = slots;
  }

  /** The slots of the layers in this graph, by module path. */
  public Map<String, WeightSlot> slots() {
    return slots;
  }

  /**
   * Reads the graph of {@code model}.
   *
   * @throws IOException when the file cannot be read or is not an ONNX model
   */
  public static GraphWeights read(Path model) throws IOException {
    try (FileChannel channel = FileChannel.open(model, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        throw new IOException(model + ": over 2 GiB, which a protobuf file cannot be");
      }
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      ProtoReader modelProto = new ProtoReader(buffer, 0, buffer.capacity(), model.toString());
      while (modelProto.next()) {
        if (modelProto.field() == 7 && modelProto.wireType() == ProtoReader.LEN) {
          return graph(modelProto.message(), model);
        }
        modelProto.skip();
      }
      throw modelProto.malformed("no graph");
    }
  }

  private record Node(
      String name, String opType, List<String> inputs, List<String> outputs, long transB) {}

  private record Initializer(
      String name, long[] dims, int dataType, Path file, long offset, long length) {}

  private static GraphWeights graph(ProtoReader graph, Path model) throws IOException {
    List<Node> nodes = new ArrayList<>();
    Map<String, Initializer> initializers = new HashMap<>();
    while (graph.next()) {
      if (graph.field() == 1 && graph.wireType() == ProtoReader.LEN) {
        nodes.add(node(graph.message()));
      } else if (graph.field() == 5 && graph.wireType() == ProtoReader.LEN) {
        Initializer init = initializer(graph.message(), model);
        initializers.put(init.name(), init);
      } else {
        graph.skip();
      }
    }
    // Weights stored as float16 for a float32 graph reach their layer through a Cast.
    Map<String, String> castInputs = new HashMap<>();
    for (Node node : nodes) {
      if (node.opType().equals("Cast") && node.inputs().size() == 1 && !node.outputs().isEmpty()) {
        castInputs.put(node.outputs().get(0), node.inputs().get(0));
      }
    }
    Map<String, WeightSlot> slots = new LinkedHashMap<>();
    for (Node node : nodes) {
      WeightLayout layout =
          switch (node.opType()) {
            case "MatMul" -> WeightLayout.IN_OUT;
            case "Gemm" -> node.transB() == 1 ? WeightLayout.OUT_IN : WeightLayout.IN_OUT;
            case "Conv" -> WeightLayout.CONV;
            default -> null;
          };
      String module = modulePath(node.name());
      if (layout == null || module == null || node.inputs().size() < 2) {
        continue;
      }
      Initializer init = initializers.get(node.inputs().get(1));
      if (init == null) {
        init = initializers.get(castInputs.getOrDefault(node.inputs().get(1), ""));
      }
      if (init == null || !supported(init, layout)) {
        continue;
      }
      slots.putIfAbsent(
          module,
          new WeightSlot(
              module,
              init.name(),
              layout,
              init.dims(),
              init.dataType(),
              init.file(),
              init.offset(),
              init.length()));
    }
    return new GraphWeights(Map.copyOf(slots));
  }

  private static long elementBytes(int dataType) {
    return dataType == FLOAT ? 4 : 2;
  }

  private static boolean supported(Initializer init, WeightLayout layout) {
    boolean floats =
        init.dataType() == FLOAT || init.dataType() == FLOAT16 || init.dataType() == BFLOAT16;
    int rank = layout == WeightLayout.CONV ? 4 : 2;
    if (!floats || init.dims().length != rank || init.offset() < 0) {
      return false;
    }
    long count = 1;
    for (long dim : init.dims()) {
      count = Math.multiplyExact(count, dim);
    }
    return init.length() == count * elementBytes(init.dataType());
  }

  /** {@code /a/b.0/c/MatMul} → {@code a.b.0.c}; null for a name without a module path. */
  static String modulePath(String nodeName) {
    int last = nodeName.lastIndexOf('/');
    if (!nodeName.startsWith("/") || last <= 1) {
      return null;
    }
    return nodeName.substring(1, last).replace('/', '.');
  }

  private static Node node(ProtoReader node) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    String opType = "";
    long transB = 0;
    while (node.next()) {
      switch (node.field()) {
        case 1 -> inputs.add(node.string());
        case 2 -> outputs.add(node.string());
        case 3 -> name = node.string();
        case 4 -> opType = node.string();
        case 5 -> transB = Math.max(transB, transB(node.message()));
        default -> node.skip();
      }
    }
    return new Node(name, opType, inputs, outputs, transB);
  }

  private static long transB(ProtoReader attribute) throws IOException {
    String name = "";
    long value = 0;
    while (attribute.next()) {
      if (attribute.field() == 1) {
        name = attribute.string();
      } else if (attribute.field() == 3 && attribute.wireType() == ProtoReader.VARINT) {
        value = attribute.varint();
      } else {
        attribute.skip();
      }
    }
    return name.equals("transB") ? value : 0;
  }

  private static Initializer initializer(ProtoReader tensor, Path model) throws IOException {
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    long offset = -1;
    long length = -1;
    Path file = model;
    Map<String, String> external = new HashMap<>();
    while (tensor.next()) {
      switch (tensor.field()) {
        case 1 -> {
          if (tensor.wireType() == ProtoReader.LEN) {
            ProtoReader packed = tensor.message();
            while (packed.hasMore()) {
              dims.add(packed.varint());
            }
          } else {
            dims.add(tensor.varint());
          }
        }
        case 2 -> dataType = (int) tensor.varint();
        case 8 -> name = tensor.string();
        case 9 -> {
          int[] range = tensor.bytes();
          offset = range[0];
          length = range[1] - range[0];
        }
        case 13 -> {
          ProtoReader entry = tensor.message();
          String key = "";
          String value = "";
          while (entry.next()) {
            if (entry.field() == 1) {
              key = entry.string();
            } else if (entry.field() == 2) {
              value = entry.string();
            } else {
              entry.skip();
            }
          }
          external.put(key, value);
        }
        default -> tensor.skip();
      }
    }
    if (external.containsKey("location")) {
      file = model.resolveSibling(external.get("location"));
      offset = Long.parseLong(external.getOrDefault("offset", "0"));
      length =
          external.containsKey("length")
              ? Long.parseLong(external.get("length"))
              : elementBytes(dataType) * dims.stream().reduce(1L, Math::multiplyExact);
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    return new Initializer(name, shape, dataType, file, offset, length);
  }
}
