package dev.tessera.gateway.a1111;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The A1111-compatible API's settings ({@code tessera.a1111.*}, {@code TESSERA_A1111_*}). */
@ConfigMapping(prefix = "tessera.a1111")
public interface SdApiConfig {
  /** How long a txt2img waits for its jobs before it answers 504; they go on rendering. */
  @WithDefault("300s")
  Duration timeout();
}
