package dev.tessera.render.miniature;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every network of the fp16 SD 2.1 stand-in, which computes in float16, loads into an ONNX Runtime
 * session on the CPU: the session type-checks the whole graph (a float32 tensor meeting a float16
 * one fails it) and places every node, casting around those without a CPU float16 kernel. Weights
 * are zeros in a sparse file, so nothing is drawn or written. (The fp16 x4 stand-in runs in {@code
 * StandInRenderTest}.)
 */
class StandInFp16GraphTest {
  @TempDir Path tmp;

  @Test
  void everyFp16NetworkLoads() throws IOException, OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (StandInKind.Network network : StandInKind.SD21.networks(true)) {
      Path dir = tmp.resolve(network.dir());
      Files.createDirectories(dir);
      try (ExternalWeights external = ExternalWeights.countingOnly()) {
        ModelProto model = network.build().apply(StandInBundle.layers(network, true, external));
        try (OutputStream out = Files.newOutputStream(dir.resolve("model.onnx"))) {
          model.writeTo(out);
        }
        try (RandomAccessFile data =
            new RandomAccessFile(dir.resolve(ExternalWeights.FILE_NAME).toFile(), "rw")) {
          data.setLength(external.bytes());
        }
      }
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          OrtSession session = env.createSession(dir.resolve("model.onnx").toString(), options)) {
        assertTrue(
            session.getOutputInfo().values().stream()
                .allMatch(o -> o.getInfo().toString().contains("FLOAT16")),
            network.dir() + " gives float16 outputs");
      }
      Files.delete(dir.resolve(ExternalWeights.FILE_NAME));
    }
  }
}
