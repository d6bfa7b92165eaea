package dev.tessera.gateway.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Reads request bodies strictly: {@code "steps": 2.5} or {@code "steps": "10"} is an error naming
 * the field, not a silent 2 or 10, an unknown field is an error naming it, and text after the JSON
 * object makes the body malformed instead of being ignored, so a client's bug shows at once.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {
  @Override
  @SuppressWarnings(
      "deprecation") // configure(MapperFeature) is the one switch for scalar coercion in Jackson 2.
  public void customize(ObjectMapper mapper) {
    mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
    mapper.configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);
    mapper.configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    // A misspelt field ("stepz") is refused, naming it, rather than silently ignored.
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  }
}
