package dev.tessera.render;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine is a plain library: Maven keeps the frameworks and clients the worker service uses off
 * its classpath.
 */
class EngineClasspathTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "io.quarkus.runtime.Quarkus",
        "org.apache.kafka.clients.consumer.KafkaShareConsumer",
        "io.minio.MinioClient",
        "org.tribuo.util.onnx.ONNXContext",
        "com.google.protobuf.Message"
      })
  void hasNoFrameworkNorQueueNorStorageNorGeneratorClasses(String name) {
    assertThrows(
        ClassNotFoundException.class,
        () -> Class.forName(name, false, getClass().getClassLoader()));
  }
}
