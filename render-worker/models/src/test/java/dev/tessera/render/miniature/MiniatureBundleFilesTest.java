package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.OrtTestTensors.allFinite;
import static dev.tessera.render.miniature.OrtTestTensors.inputInfo;
import static dev.tessera.render.miniature.OrtTestTensors.ints;
import static dev.tessera.render.miniature.OrtTestTensors.open;
import static dev.tessera.render.miniature.OrtTestTensors.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.tessera.render.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reproducibility of the written files, tokenizer sourcing and argument errors. */
class MiniatureBundleFilesTest {
  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of(MiniatureKind.SD2, false),
        Arguments.of(MiniatureKind.SD2_V, false),
        Arguments.of(MiniatureKind.SD1, false),
        Arguments.of(MiniatureKind.SD2, true));
  }

  @ParameterizedTest(name = "{0} fp16={1}")
  @MethodSource("kinds")
  void sameArgumentsGiveIdenticalBytes(MiniatureKind kind, boolean fp16, @TempDir Path dir)
      throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    MiniatureBundle.write(kind, fp16, first, null);
    MiniatureBundle.write(kind, fp16, second, null);

    List<Path> files = relativeFiles(first);
    assertEquals(files, relativeFiles(second));
    assertTrue(files.containsAll(MiniatureBundleTest.LAYOUT.stream().map(Path::of).toList()));
    for (Path file : files) {
      assertEquals(-1L, Files.mismatch(first.resolve(file), second.resolve(file)), file.toString());
    }
  }

  @Test
  void kindsAndPrecisionsGiveDifferentUnets(@TempDir Path dir) throws IOException {
    MiniatureBundle.write(MiniatureKind.SD2, false, dir.resolve("sd2"), null);
    MiniatureBundle.write(MiniatureKind.SD2_V, false, dir.resolve("sd2-v"), null);
    MiniatureBundle.write(MiniatureKind.SD2, true, dir.resolve("sd2-fp16"), null);

    byte[] sd2 = Files.readAllBytes(dir.resolve("sd2/unet/model.onnx"));
    assertNotEquals(
        -1L,
        Files.mismatch(dir.resolve("sd2/unet/model.onnx"), dir.resolve("sd2-v/unet/model.onnx")));
    // fp16 stores every weight in half the bytes
    long fp16Size = Files.size(dir.resolve("sd2-fp16/unet/model.onnx"));
    assertTrue(
        fp16Size < sd2.length * 0.6, "fp16 unet " + fp16Size + " bytes vs fp32 " + sd2.length);

    ModelProto model = ModelProto.parseFrom(sd2);
    assertEquals(OnnxGraphBuilder.PRODUCER, model.getProducerName());
    assertEquals(OnnxGraphBuilder.IR_VERSION, model.getIrVersion());
    assertEquals(OnnxGraphBuilder.OPSET, model.getOpsetImport(0).getVersion());
    assertTrue(model.getDocString().contains(MiniatureBundle.DISCLAIMER));
  }

  @Test
  void copiesRealTokenizerFilesAndSizesTheEmbeddingToTheirVocabulary(@TempDir Path dir)
      throws Exception {
    Path source = TestData.clipTokenizerDir();
    MiniatureBundle.write(MiniatureKind.SD2_V, false, dir, source);

    for (String name : List.of("vocab.json", "merges.txt")) {
      assertEquals(
          -1L, Files.mismatch(source.resolve(name), dir.resolve("tokenizer").resolve(name)), name);
      assertTrue(
          Files.isWritable(dir.resolve("tokenizer").resolve(name)),
          name + " copied as a writable file");
    }
    int entries = MiniatureBundleTest.json(dir, "tokenizer/vocab.json").size();
    ModelProto encoder =
        ModelProto.parseFrom(Files.readAllBytes(dir.resolve("text_encoder/model.onnx")));
    TensorProto table =
        encoder.getGraph().getInitializerList().stream()
            .filter(t -> t.getName().equals("embeddings.token_embedding.weight"))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of((long) entries, 64L), table.getDimsList());

    // the highest real id (end of text, 49407) indexes the last row
    long[] ids = new long[77];
    Arrays.fill(ids, entries - 1);
    ids[0] = entries - 2;
    try (OrtSession session = open(dir.resolve("text_encoder/model.onnx"));
        OnnxTensor input = ints(inputInfo(session, "input_ids"), ids, 1, 77);
        OrtSession.Result result = session.run(Map.of("input_ids", input))) {
      assertTrue(allFinite(read((OnnxTensor) result.get(0))));
    }
  }

  @Test
  void fallsBackToTheMiniatureVocabularyWhenTheSourceLacksFiles(@TempDir Path dir)
      throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    MiniatureBundle.write(MiniatureKind.SD1, false, dir.resolve("bundle"), empty);
    assertTrue(Files.isRegularFile(dir.resolve("bundle/tokenizer/vocab.json")));
    assertTrue(Files.isRegularFile(dir.resolve("bundle/tokenizer/merges.txt")));
  }

  @Test
  void rejectsAVocabularyWhoseIdsLeaveGaps(@TempDir Path dir) throws IOException {
    Path source = Files.createDirectories(dir.resolve("tokenizer-source"));
    Files.writeString(source.resolve("vocab.json"), "{\"a\": 0, \"b\": 2}");
    Files.writeString(source.resolve("merges.txt"), "#version: 0.2\n");
    IOException error =
        assertThrows(
            IOException.class,
            () -> MiniatureBundle.write(MiniatureKind.SD2, false, dir.resolve("bundle"), source));
    assertTrue(error.getMessage().contains("vocab.json"), error.getMessage());
  }

  @Test
  void rejectsMissingKindOrDirectory(@TempDir Path dir) {
    assertThrows(
        IllegalArgumentException.class, () -> MiniatureBundle.write(null, false, dir, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> MiniatureBundle.write(MiniatureKind.SD2, false, null, null));
  }

  private static List<Path> relativeFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }
}
