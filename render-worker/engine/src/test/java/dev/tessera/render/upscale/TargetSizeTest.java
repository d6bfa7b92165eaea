package dev.tessera.render.upscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.pipeline.UnsupportedRequestException;
import org.junit.jupiter.api.Test;

class TargetSizeTest {
  @Test
  void putsTheLengthOnTheLongSideAndKeepsTheAspect() {
    assertEquals(new TargetSize(2048, 2048), TargetSize.of(512, 512, 2048));
    assertEquals(new TargetSize(2048, 2048), TargetSize.of(768, 768, 2048));
    assertEquals(new TargetSize(2048, 1536), TargetSize.of(512, 384, 2048));
    assertEquals(new TargetSize(1365, 2048), TargetSize.of(512, 768, 2048));
    assertEquals(new TargetSize(512, 512), TargetSize.of(512, 512, 512));
  }

  @Test
  void rejectsTargetsBelowTheBaseOrAboveTheMaximum() {
    UnsupportedRequestException small =
        assertThrows(UnsupportedRequestException.class, () -> TargetSize.of(512, 384, 500));
    assertTrue(
        small.getMessage().contains("500 is smaller than the 512x384 image"), small.getMessage());
    UnsupportedRequestException large =
        assertThrows(UnsupportedRequestException.class, () -> TargetSize.of(512, 512, 4100));
    assertEquals("must be at most 4096, got 4100", large.getMessage());
  }
}
