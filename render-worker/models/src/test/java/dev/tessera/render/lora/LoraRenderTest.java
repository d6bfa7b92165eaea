package dev.tessera.render.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.tessera.common.LoraRef;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.StageTimings;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.pipeline.BatchItem;
import dev.tessera.render.pipeline.BatchOutcome;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RenderRequest;
import dev.tessera.render.pipeline.RenderResult;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.render.pipeline.UnsupportedRequestException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA adapters on the miniature SD 2 bundle (untrained: this proves the merge, not a look). The
 * adapter below changes a UNet linear layer and a 3×3 convolution (kohya keys) and a text-encoder
 * layer (diffusers keys); the test merges the same deltas into a copy of the bundle itself, by
 * initializer name, and compares renders.
 */
class LoraRenderTest {
  private static final int RANK = 4;
  private static final float ALPHA = 2f;

  /** A layer the adapter changes: its graph initializer and its [out, in…] delta factors. */
  private record Layer(String key, String initializer, boolean inOut, long out, long[] inShape) {
    long in() {
      long n = 1;
      for (long d : inShape) {
        n *= d;
      }
      return n;
    }
  }

  private static final List<Layer> UNET_LAYERS =
      List.of(
          new Layer(
              "lora_unet_mid_block_attention_attn2_q",
              "mid_block.attention.attn2.q.weight",
              true,
              64,
              new long[] {64}),
          new Layer("lora_unet_conv_in", "conv_in.weight", false, 32, new long[] {4, 3, 3}));
  private static final Layer TEXT_LAYER =
      new Layer(
          "text_encoder.encoder.layers.0.self_attn.q",
          "encoder.layers.0.self_attn.q.weight",
          true,
          64,
          new long[] {64});

  @TempDir static Path loras;
  private static Renderer renderer;
  private static Renderer merged;
  private static float[][] downs;
  private static float[][] ups;

  @BeforeAll
  static void setUp() throws IOException {
    List<Layer> all = List.of(UNET_LAYERS.get(0), UNET_LAYERS.get(1), TEXT_LAYER);
    Random random = new Random(16);
    downs = new float[all.size()][];
    ups = new float[all.size()][];
    SafeTensorsWriter film = new SafeTensorsWriter();
    for (int l = 0; l < all.size(); l++) {
      Layer layer = all.get(l);
      downs[l] = gaussian(random, (int) (RANK * layer.in()), 0.4 / Math.sqrt(layer.in()));
      // B is stored as float16 below; the hand merge uses the values the file holds.
      ups[l] = halfRounded(gaussian(random, (int) (layer.out() * RANK), 0.8));
      long[] downShape = new long[1 + layer.inShape().length];
      downShape[0] = RANK;
      System.arraycopy(layer.inShape(), 0, downShape, 1, layer.inShape().length);
      long[] upShape =
          layer.inShape().length == 1
              ? new long[] {layer.out(), RANK}
              : new long[] {layer.out(), RANK, 1, 1};
      boolean kohya = layer.key().startsWith("lora_");
      film.add(
          layer.key() + (kohya ? ".lora_down.weight" : ".lora_A.weight"),
          "F32",
          downShape,
          downs[l]);
      film.add(
          layer.key() + (kohya ? ".lora_up.weight" : ".lora_B.weight"), "F16", upShape, ups[l]);
      if (kohya) {
        film.add(layer.key() + ".alpha", "F32", new long[0], new float[] {ALPHA});
      }
    }
    film.write(loras.resolve("film-grain.safetensors"));

    Path bundle = MiniatureFixtures.bundle(MiniatureKind.SD2, false);
    renderer = Renderer.open(bundle, EngineOptions.defaults());
    renderer.useAdapters(LoraLibrary.directory(loras), 2);

    Path copy = MiniatureFixtures.copy(MiniatureKind.SD2, loras.resolve("merged"));
    mergeInto(copy.resolve("unet/model.onnx"), UNET_LAYERS, 0, ALPHA / RANK);
    mergeInto(copy.resolve("text_encoder/model.onnx"), List.of(TEXT_LAYER), 2, 1f);
    merged = Renderer.open(copy, EngineOptions.defaults());
  }

  @AfterAll
  static void tearDown() {
    renderer.close();
    merged.close();
  }

  private static float[] gaussian(Random random, int n, double std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return v;
  }

  private static float[] halfRounded(float[] v) {
    float[] r = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] =
          ai.onnxruntime.platform.Fp16Conversions.fp16ToFloat(
              ai.onnxruntime.platform.Fp16Conversions.floatToFp16(v[i]));
    }
    return r;
  }

  /** Adds factor × B·A to the named initializers of {@code model}, written by hand here. */
  private static void mergeInto(Path model, List<Layer> layers, int firstFactors, float factor)
      throws IOException {
    ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
    ModelProto.Builder builder = proto.toBuilder();
    var graph = builder.getGraphBuilder();
    for (int l = 0; l < layers.size(); l++) {
      Layer layer = layers.get(l);
      float[] a = downs[firstFactors + l];
      float[] b = ups[firstFactors + l];
      int index = -1;
      for (int i = 0; i < graph.getInitializerCount(); i++) {
        if (graph.getInitializer(i).getName().equals(layer.initializer())) {
          index = i;
        }
      }
      assertTrue(index >= 0, "no initializer " + layer.initializer());
      TensorProto tensor = graph.getInitializer(index);
      ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] w = new float[raw.remaining() / 4];
      raw.asFloatBuffer().get(w);
      int in = (int) layer.in();
      int out = (int) layer.out();
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          double sum = 0;
          for (int r = 0; r < RANK; r++) {
            sum += (double) b[o * RANK + r] * a[r * in + i];
          }
          int at = layer.inOut() ? i * out + o : o * in + i;
          w[at] += (float) (factor * sum);
        }
      }
      ByteBuffer bytes = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(w);
      graph.setInitializer(index, tensor.toBuilder().setRawData(ByteString.copyFrom(bytes)));
    }
    Files.write(model, builder.build().toByteArray());
  }

  private static RenderResult render(Renderer r, List<LoraRef> loras) throws IOException {
    RenderSettings settings =
        new RenderSettings(
                "a harbour at night, (rain:1.2)", "blurry", 21, 3, 7.5, "euler", false, 64, 64)
            .withLoras(loras);
    return r.render(RenderRequest.of(settings), RenderListener.NONE, new CancelToken());
  }

  private static List<LoraRef> film(double scale) {
    return List.of(new LoraRef("film-grain", scale));
  }

  private static double meanAbsDiff(RgbImage a, RgbImage b) {
    long sum = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
    }
    return (double) sum / a.rgb().length;
  }

  private static int maxAbsDiff(RgbImage a, RgbImage b) {
    int max = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      max = Math.max(max, Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff)));
    }
    return max;
  }

  private static String loraStage(StageTimings timings) {
    return timings.entries().stream()
        .filter(e -> e.stage().equals("lora"))
        .map(StageTimings.Entry::detail)
        .findFirst()
        .orElse("");
  }

  @Test
  void scaleZeroIsByteIdenticalToNoAdapter() throws IOException {
    RenderResult plain = render(renderer, List.of());
    RenderResult zero = render(renderer, film(0));
    assertFalse(loraStage(zero.timings()).isEmpty(), "went through the adapted sessions");
    assertArrayEquals(plain.image().rgb(), zero.image().rgb());
  }

  @Test
  void scaleOneEqualsTheBundleMergedByHand() throws IOException {
    RgbImage adapted = render(renderer, film(1)).image();
    RgbImage byHand = render(merged, List.of()).image();
    RgbImage plain = render(renderer, List.of()).image();
    assertTrue(maxAbsDiff(adapted, byHand) <= 1, "max diff " + maxAbsDiff(adapted, byHand));
    assertTrue(meanAbsDiff(adapted, plain) > 1, "the adapter changes the image");
  }

  @Test
  void twoScalesDifferAndSetsAreCached() throws IOException {
    RenderResult half = render(renderer, film(0.5));
    RenderResult full = render(renderer, film(1));
    assertTrue(
        meanAbsDiff(half.image(), full.image()) > 0.5,
        "scales 0.5 and 1: " + meanAbsDiff(half.image(), full.image()));
    RenderResult again = render(renderer, film(0.5));
    assertEquals("cached sessions", loraStage(again.timings()));
    assertArrayEquals(half.image().rgb(), again.image().rgb());
  }

  /** Jobs with the same adapter set denoise in one batch through the adapted sessions. */
  @Test
  void jobsWithTheSameAdaptersBatchAndEachEqualsItsRenderAlone() throws IOException {
    List<RenderSettings> jobs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      jobs.add(
          new RenderSettings("a harbour " + i, "blurry", 30 + i, 3, 7.5, "euler", false, 64, 64)
              .withLoras(film(1)));
    }
    List<BatchOutcome> batched =
        renderer.renderBatch(
            jobs.stream()
                .map(
                    s -> new BatchItem(RenderRequest.of(s), RenderListener.NONE, new CancelToken()))
                .toList(),
            new CancelToken());
    for (int i = 0; i < jobs.size(); i++) {
      RgbImage alone =
          renderer
              .render(RenderRequest.of(jobs.get(i)), RenderListener.NONE, new CancelToken())
              .image();
      RenderResult result = batched.get(i).get();
      assertTrue(maxAbsDiff(alone, result.image()) <= 2, "job " + i + " as alone");
      assertFalse(loraStage(result.timings()).isEmpty(), "the adapter stage is timed");
    }
    RgbImage plain =
        renderer
            .render(
                RenderRequest.of(jobs.get(0).withLoras(List.of())),
                RenderListener.NONE,
                new CancelToken())
            .image();
    assertTrue(meanAbsDiff(plain, batched.get(0).get().image()) > 0.1, "the adapter applies");
  }

  @Test
  void problemsFailTheJobNamingTheKey() throws IOException {
    new SafeTensorsWriter()
        .add("lora_unet_no_such_layer.lora_down.weight", "F32", new long[] {2, 64}, new float[128])
        .add("lora_unet_no_such_layer.lora_up.weight", "F32", new long[] {64, 2}, new float[128])
        .write(loras.resolve("unknown.safetensors"));
    UnsupportedRequestException unknown =
        assertThrows(
            UnsupportedRequestException.class,
            () -> render(renderer, List.of(new LoraRef("unknown", 1))));
    assertTrue(
        unknown
            .getMessage()
            .contains("key lora_unet_no_such_layer.lora_down.weight names no layer"),
        unknown.getMessage());

    new SafeTensorsWriter()
        .add(
            "lora_unet_mid_block_attention_attn2_q.lora_down.weight",
            "F32",
            new long[] {2, 48},
            new float[96])
        .add(
            "lora_unet_mid_block_attention_attn2_q.lora_up.weight",
            "F32",
            new long[] {64, 2},
            new float[128])
        .write(loras.resolve("sd1-sized.safetensors"));
    UnsupportedRequestException shape =
        assertThrows(
            UnsupportedRequestException.class,
            () -> render(renderer, List.of(new LoraRef("sd1-sized", 1))));
    assertTrue(shape.getMessage().contains("another base model"), shape.getMessage());
    assertTrue(
        shape.getMessage().contains("lora_unet_mid_block_attention_attn2_q.lora_down.weight"),
        shape.getMessage());

    UnsupportedRequestException missing =
        assertThrows(
            UnsupportedRequestException.class,
            () -> render(renderer, List.of(new LoraRef("absent", 1))));
    assertTrue(missing.getMessage().contains("LoRA adapter absent"), missing.getMessage());
  }

  /** Moves every initializer of over 1 KiB into {@code model.onnx_data}, as large exports do. */
  private static void externalize(Path model) throws IOException {
    ModelProto.Builder builder = ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
    var graph = builder.getGraphBuilder();
    java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      TensorProto tensor = graph.getInitializer(i);
      if (tensor.getRawData().size() <= 1024) {
        continue;
      }
      long offset = data.size();
      data.writeBytes(tensor.getRawData().toByteArray());
      graph.setInitializer(
          i,
          tensor.toBuilder()
              .clearRawData()
              .setDataLocation(TensorProto.DataLocation.EXTERNAL)
              .addExternalData(entry("location", "model.onnx_data"))
              .addExternalData(entry("offset", Long.toString(offset)))
              .addExternalData(entry("length", Integer.toString(tensor.getRawData().size()))));
    }
    Files.write(model.resolveSibling("model.onnx_data"), data.toByteArray());
    Files.write(model, builder.build().toByteArray());
  }

  private static ai.onnx.proto.OnnxMl.StringStringEntryProto entry(String key, String value) {
    return ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
        .setKey(key)
        .setValue(value)
        .build();
  }

  @Test
  void bundlesWithExternalDataTakeAdaptersToo() throws IOException {
    Path external = MiniatureFixtures.copy(MiniatureKind.SD2, loras.resolve("external"));
    externalize(external.resolve("unet/model.onnx"));
    externalize(external.resolve("text_encoder/model.onnx"));
    WeightSlot q =
        GraphWeights.read(external.resolve("unet/model.onnx"))
            .slots()
            .get("mid_block.attention.attn2.q");
    assertEquals(external.resolve("unet/model.onnx_data"), q.file());
    try (Renderer fromExternal = Renderer.open(external, EngineOptions.defaults())) {
      fromExternal.useAdapters(LoraLibrary.directory(loras), 1);
      assertArrayEquals(
          render(renderer, film(1)).image().rgb(), render(fromExternal, film(1)).image().rgb());
    }
  }

  @Test
  void theGraphIndexFindsLayersByNodeNameThroughFp16Casts() throws IOException {
    Path fp16 = MiniatureFixtures.bundle(MiniatureKind.SD2, true);
    WeightSlot q =
        GraphWeights.read(fp16.resolve("unet/model.onnx"))
            .slots()
            .get("mid_block.attention.attn2.q");
    assertEquals("mid_block.attention.attn2.q.weight", q.initializer());
    assertEquals(10, q.dataType(), "float16 storage");
    assertEquals(WeightLayout.IN_OUT, q.layout());
    WeightSlot conv =
        GraphWeights.read(
                MiniatureFixtures.bundle(MiniatureKind.SD2, false).resolve("unet/model.onnx"))
            .slots()
            .get("down_blocks.0.resnet.conv1");
    assertEquals(WeightLayout.CONV, conv.layout());
    assertArrayEquals(new long[] {32, 32, 3, 3}, conv.dims());
  }
}
