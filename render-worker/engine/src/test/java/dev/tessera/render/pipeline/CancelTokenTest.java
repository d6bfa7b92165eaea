package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A failure inside ONNX Runtime reaches callers as an {@link IOException}, a failure that may pass
 * (the worker retries it), unless the run was cancelled; it never looks like an unsupported
 * request.
 */
class CancelTokenTest {
  @Test
  void anOnnxRuntimeFailureIsAnIoFailure() {
    CancelToken token = new CancelToken();
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                token.runCancellable(
                    run -> {
                      throw new OrtException("out of device memory");
                    }));
    assertEquals("ONNX Runtime failed: out of device memory", e.getMessage());
  }

  @Test
  void aCancelledRunIsACancellation() {
    CancelToken token = new CancelToken();
    token.cancel();
    assertThrows(
        RenderCancelledException.class,
        () ->
            token.runCancellable(
                run -> {
                  throw new OrtException("terminated");
                }));
    assertTrue(token.isCancelled());
  }
}
