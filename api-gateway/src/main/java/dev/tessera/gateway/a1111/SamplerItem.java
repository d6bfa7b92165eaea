package dev.tessera.gateway.a1111;

import java.util.List;
import java.util.Map;

/** A sampler as {@code GET /sdapi/v1/samplers} lists it. */
public record SamplerItem(String name, List<String> aliases, Map<String, String> options) {
  static SamplerItem of(SdSampler sampler) {
    return new SamplerItem(sampler.name(), sampler.aliases(), sampler.options());
  }
}
