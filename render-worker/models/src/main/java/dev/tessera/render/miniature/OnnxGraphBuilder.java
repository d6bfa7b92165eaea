package dev.tessera.render.miniature;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.platform.Fp16Conversions;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Assembles one ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}) from graph
 * inputs, initializers and nodes, in the order they are added, so the same calls always serialise
 * to the same bytes.
 *
 * <p>Float precision: with fp16 storage every float graph input, graph output and weight is
 * declared float16, and the builder inserts Casts so that the nodes themselves always see float32
 * ({@link #floatInput}, {@link #weight}, {@link #floatOutput}). This mirrors an fp16 export while
 * letting ONNX Runtime's CPU provider, which lacks fp16 kernels for most operators, run it.
 * Operator parameters whose type the operator fixes (Reshape shapes, Resize scales) stay int64 /
 * float32.
 *
 * <p>{@link Precision#FLOAT16} instead computes in float16 throughout, as an fp16 export for the
 * GPU does: no Casts around weights, inputs or outputs. On the CPU, ONNX Runtime casts around the
 * operators it has no float16 kernel for, which is slow.
 *
 * <p>Weights go into the ModelProto unless {@link ExternalWeights} are given; then each float
 * weight is appended to that file and the model only points at it (protobuf cannot serialise a
 * model over 2 GiB, and a full-size UNet is 3.5 GB in float32).
 *
 * <p>Lifetime: one builder per model, used from one thread; {@link #build} may be called once all
 * outputs are declared, and the builder should be dropped after it. It does not own the external
 * weights file.
 */
public final class OnnxGraphBuilder {
  /** The default-domain operator set every generated model imports. */
  public static final int OPSET = 17;

  /** The IR version written into every model. */
  public static final long IR_VERSION = 8;

  /** The producer name written into every model. */
  public static final String PRODUCER = "tessera-miniature";

  private static final Pattern FIXED_DIM = Pattern.compile("\\d+");

  /** How float tensors are stored and computed. */
  public enum Precision {
    /** float32 everywhere. */
    FLOAT32,
    /** float16 inputs, outputs and weights, cast to float32 for every node (runs on the CPU). */
    FLOAT16_STORAGE,
    /** float16 everywhere, nodes included, as a GPU export. */
    FLOAT16
  }

  private final String graphName;
  private final boolean fp16;
  private final boolean castToFloat32;
  private final ExternalWeights external;
  private final List<ValueInfoProto> inputs = new ArrayList<>();
  private final List<ValueInfoProto> outputs = new ArrayList<>();
  private final List<TensorProto> initializers = new ArrayList<>();
  private final List<NodeProto.Builder> nodes = new ArrayList<>();
  private final Set<String> usedNames = new HashSet<>();
  private final Map<String, Integer> nextSuffix = new HashMap<>();
  private final Map<String, String> sharedConstants = new HashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private String producer = PRODUCER;

  /**
   * @param graphName name of the graph, e.g. {@code unet}
   * @param fp16 whether float inputs, outputs and weights are stored as float16
   */
  public OnnxGraphBuilder(String graphName, boolean fp16) {
    this(graphName, fp16 ? Precision.FLOAT16_STORAGE : Precision.FLOAT32, null);
  }

  /**
   * @param external where float weights go, or null to keep them in the model
   */
  public OnnxGraphBuilder(String graphName, Precision precision, ExternalWeights external) {
    this.graphName = graphName;
    this.fp16 = precision != Precision.FLOAT32;
    this.castToFloat32 = precision == Precision.FLOAT16_STORAGE;
    this.external = external;
  }

  /** The element type of float graph inputs and outputs: {@code FLOAT16} or {@code FLOAT}. */
  public int floatType() {
    return fp16 ? DataType.FLOAT16_VALUE : DataType.FLOAT_VALUE;
  }

  /** The element type the nodes compute in: {@code FLOAT16} only for {@link Precision#FLOAT16}. */
  public int computeType() {
    return fp16 && !castToFloat32 ? DataType.FLOAT16_VALUE : DataType.FLOAT_VALUE;
  }

  /**
   * False when the weights only go to a counting {@link ExternalWeights}: callers may then pass
   * zeros instead of drawing values.
   */
  public boolean storesValues() {
    return external == null || external.storesValues();
  }

  /**
   * {@code base} itself when no tensor has that name yet, otherwise {@code base_2}, {@code base_3},
   * …
   */
  public String freshName(String base) {
    String name = base;
    int suffix = nextSuffix.getOrDefault(base, 2);
    while (!usedNames.add(name)) {
      name = base + "_" + suffix++;
    }
    nextSuffix.put(base, suffix);
    return name;
  }

  /**
   * Declares a graph input.
   *
   * @param elemType an {@link DataType} number
   * @param dims one entry per axis: digits for a fixed size, any other text for a symbolic
   *     dimension; none for a rank-0 scalar
   * @return the input's tensor name
   */
  public String input(String name, int elemType, String... dims) {
    inputs.add(valueInfo(claimExact(name), elemType, dims));
    return name;
  }

  /**
   * Declares a float input of type {@link #floatType()} and returns the name of its float32 view.
   */
  public String floatInput(String name, String... dims) {
    input(name, floatType(), dims);
    return castToFloat32 ? cast(name, DataType.FLOAT_VALUE) : name;
  }

  /**
   * Declares a graph output named {@code name} carrying the value of {@code tensor}, which must be
   * produced by a node of this graph and already be of type {@code elemType}.
   */
  public void output(String tensor, String name, int elemType, String... dims) {
    if (!tensor.equals(name)) {
      claimExact(name);
      renameTensor(tensor, name);
    }
    outputs.add(valueInfo(name, elemType, dims));
  }

  /**
   * Declares a float output of type {@link #floatType()} from a float32 tensor, casting it for fp16
   * storage.
   */
  public void floatOutput(String tensor, String name, String... dims) {
    if (castToFloat32) {
      claimExact(name);
      node("Cast", List.of(tensor), List.of(name), intAttr("to", DataType.FLOAT16_VALUE));
      outputs.add(valueInfo(name, floatType(), dims));
    } else {
      output(tensor, name, floatType(), dims);
    }
  }

  /**
   * Adds a float initializer (float16 with fp16 storage) and returns the name of its float32 view.
   *
   * @param label initializer name; made unique with {@link #freshName}
   * @param shape tensor shape; {@code values.length} must equal its element count
   */
  public String weight(String label, long[] shape, float[] values) {
    checkCount(label, shape, values.length);
    String name = freshName(label);
    if (external != null) {
      initializers.add(external.append(name, shape, values, fp16));
      return castToFloat32 ? cast(name, DataType.FLOAT_VALUE) : name;
    }
    if (!fp16) {
      initializers.add(floatTensor(name, shape, values));
      return name;
    }
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      bytes.putShort(Fp16Conversions.floatToFp16(value));
    }
    initializers.add(tensor(name, DataType.FLOAT16_VALUE, shape, bytes));
    return castToFloat32 ? cast(name, DataType.FLOAT_VALUE) : name;
  }

  /** A float weight of {@code shape} with every element equal to {@code value}. */
  public String filledWeight(String label, long[] shape, float value) {
    float[] values = new float[Math.toIntExact(elementCount(shape))];
    Arrays.fill(values, value);
    return weight(label, shape, values);
  }

  /** A rank-0 float weight. */
  public String scalarWeight(String label, float value) {
    return weight(label, new long[0], new float[] {value});
  }

  /**
   * A float32 initializer that stays float32 under fp16 storage, for operator parameters typed
   * float by the operator itself (e.g. Resize scales). Equal values share one initializer.
   */
  public String float32Parameter(String label, float... values) {
    String key = "f32:" + Arrays.toString(values);
    return sharedConstants.computeIfAbsent(
        key,
        k -> {
          String name = freshName(label);
          initializers.add(floatTensor(name, new long[] {values.length}, values));
          return name;
        });
  }

  /**
   * A 1-D int64 initializer, e.g. a Reshape shape or Slice bound. Equal values share one
   * initializer.
   */
  public String int64Vector(long... values) {
    return int64Constant(new long[] {values.length}, values);
  }

  /** A rank-0 int64 initializer, e.g. a Gather index that drops its axis. */
  public String int64Scalar(long value) {
    return int64Constant(new long[0], new long[] {value});
  }

  private String int64Constant(long[] shape, long[] values) {
    String key = "i64:" + Arrays.toString(shape) + Arrays.toString(values);
    return sharedConstants.computeIfAbsent(
        key,
        k -> {
          String name = freshName("const_i64");
          ByteBuffer bytes =
              ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
          for (long value : values) {
            bytes.putLong(value);
          }
          initializers.add(tensor(name, DataType.INT64_VALUE, shape, bytes));
          return name;
        });
  }

  /** Adds a Cast node and returns its output. */
  public String cast(String x, int toType) {
    return node("Cast", List.of(x), intAttr("to", toType));
  }

  /**
   * Adds a node with one output, named after the operator.
   *
   * @param inputs input tensor names; an empty string marks an omitted optional input
   * @return the output tensor name
   */
  public String node(String opType, List<String> inputs, AttributeProto... attributes) {
    String output = freshName(opType.toLowerCase(Locale.ROOT));
    node(opType, inputs, List.of(output), attributes);
    return output;
  }

  /**
   * Adds a node with one output, named as PyTorch exporters name a layer's node: {@code
   * /module/path/OpType}, with {@code scope} the module path ({@code down_blocks.0.resnet.conv1}
   * becomes {@code /down_blocks.0/resnet/conv1/Conv}). LoRA adapters find their layers by these
   * names.
   */
  public String layerNode(
      String scope, String opType, List<String> inputs, AttributeProto... attributes) {
    StringBuilder name = new StringBuilder();
    for (String part : scope.split("\\.")) {
      name.append(part.chars().allMatch(Character::isDigit) ? "." : "/").append(part);
    }
    String output = freshName(opType.toLowerCase(Locale.ROOT));
    node(freshName(name + "/" + opType), opType, inputs, List.of(output), attributes);
    return output;
  }

  private void node(
      String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    node(outputs.get(0), opType, inputs, outputs, attributes);
  }

  private void node(
      String name,
      String opType,
      List<String> inputs,
      List<String> outputs,
      AttributeProto... attributes) {
    NodeProto.Builder node =
        NodeProto.newBuilder()
            .setName(name)
            .setOpType(opType)
            .addAllInput(inputs)
            .addAllOutput(outputs);
    for (AttributeProto attribute : attributes) {
      node.addAttribute(attribute);
    }
    nodes.add(node);
  }

  /** Names another producer than {@value #PRODUCER} in the model. */
  public void producer(String name) {
    this.producer = name;
  }

  /** Adds a {@code metadata_props} entry, which ONNX Runtime reports as custom metadata. */
  public void metadata(String key, String value) {
    metadata.put(key, value);
  }

  /**
   * The finished model.
   *
   * @param docString what the model is, stored as the model's doc_string
   * @throws IllegalArgumentException when no output was declared
   */
  public ModelProto build(String docString) {
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("graph " + graphName + " has no outputs");
    }
    GraphProto.Builder graph =
        GraphProto.newBuilder()
            .setName(graphName)
            .addAllInput(inputs)
            .addAllOutput(outputs)
            .addAllInitializer(initializers);
    for (NodeProto.Builder node : nodes) {
      graph.addNode(node.build());
    }
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName(producer)
            .setDocString(docString)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(graph);
    metadata.forEach(
        (key, value) ->
            model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    return model.build();
  }

  /** An INT attribute. */
  public static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** An INTS attribute. */
  public static AttributeProto intsAttr(String name, long... values) {
    AttributeProto.Builder attribute =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long value : values) {
      attribute.addInts(value);
    }
    return attribute.build();
  }

  /** A FLOAT attribute. */
  public static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  /** A STRING attribute. */
  public static AttributeProto stringAttr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  private String claimExact(String name) {
    if (!usedNames.add(name)) {
      throw new IllegalArgumentException(
          "tensor name already used in graph " + graphName + ": " + name);
    }
    return name;
  }

  private void renameTensor(String from, String to) {
    boolean produced = false;
    for (NodeProto.Builder node : nodes) {
      for (int i = 0; i < node.getOutputCount(); i++) {
        if (node.getOutput(i).equals(from)) {
          node.setOutput(i, to);
          produced = true;
        }
      }
      for (int i = 0; i < node.getInputCount(); i++) {
        if (node.getInput(i).equals(from)) {
          node.setInput(i, to);
        }
      }
    }
    if (!produced) {
      throw new IllegalArgumentException("no node of graph " + graphName + " produces " + from);
    }
  }

  private static ValueInfoProto valueInfo(String name, int elemType, String... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (String dim : dims) {
      TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
      if (FIXED_DIM.matcher(dim).matches()) {
        d.setDimValue(Long.parseLong(dim));
      } else {
        d.setDimParam(dim);
      }
      shape.addDim(d);
    }
    TypeProto.Tensor tensorType =
        TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape).build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(tensorType))
        .build();
  }

  private static TensorProto floatTensor(String name, long[] shape, float[] values) {
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      bytes.putFloat(value);
    }
    return tensor(name, DataType.FLOAT_VALUE, shape, bytes);
  }

  private static TensorProto tensor(
      String name, int dataType, long[] shape, ByteBuffer littleEndianBytes) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(dataType);
    for (long dim : shape) {
      tensor.addDims(dim);
    }
    return tensor.setRawData(ByteString.copyFrom(littleEndianBytes.array())).build();
  }

  private static void checkCount(String label, long[] shape, int count) {
    if (elementCount(shape) != count) {
      throw new IllegalArgumentException(
          "weight "
              + label
              + " of shape "
              + Arrays.toString(shape)
              + " given "
              + count
              + " values");
    }
  }

  private static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return count;
  }
}
