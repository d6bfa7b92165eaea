package dev.tessera.gateway.openai;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** OpenAI's model listing, {@code GET /v1/models}: {@code {"object": "list", "data": [...]}}. */
public record ModelList(String object, List<Model> data) {
  static ModelList of(List<Model> models) {
    return new ModelList("list", models);
  }

  /**
   * One model, as OpenAI describes it.
   *
   * @param created Unix seconds; the farm knows no creation time, so the gateway's start
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Model(String id, String object, long created, String ownedBy) {
    static Model of(String id, long created) {
      return new Model(id, "model", created, "tessera");
    }
  }
}
