package dev.tessera.gateway.openai;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The OpenAI-compatible API's settings ({@code tessera.openai.*}, {@code TESSERA_OPENAI_*}). */
@ConfigMapping(prefix = "tessera.openai")
public interface OpenAiConfig {
  /**
   * How long an image generation waits for its jobs before it answers 504; they go on rendering.
   */
  @WithDefault("300s")
  Duration timeout();
}
