package dev.tessera.gateway.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Gives every error answer that the API's resources document without a body
 * ({@code @APIResponse(responseCode = "404", description = "No such job")}) the body every such
 * answer has: an {@code application/problem+json} {@link Problem}. The compatibility APIs, whose
 * errors take other shapes, document no error answers. Runs at build time, on the document the
 * annotations make.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {
  private static final String SCHEMA = "#/components/schemas/Problem";

  /** The tags of the OpenAI- and AUTOMATIC1111-compatible resources. */
  private static final Set<String> COMPATIBILITY_TAGS = Set.of("openai", "a1111");

  @Override
  public void filterOpenAPI(OpenAPI openApi) {
    if (openApi.getPaths() == null || openApi.getPaths().getPathItems() == null) {
      return;
    }
    for (PathItem path : openApi.getPaths().getPathItems().values()) {
      for (Operation operation : path.getOperations().values()) {
        if (operation.getResponses() == null
            || operation.getResponses().getAPIResponses() == null
            || (operation.getTags() != null
                && operation.getTags().stream().anyMatch(COMPATIBILITY_TAGS::contains))) {
          continue;
        }
        for (Map.Entry<String, APIResponse> answer :
            operation.getResponses().getAPIResponses().entrySet()) {
          if (isError(answer.getKey()) && answer.getValue().getContent() == null) {
            answer
                .getValue()
                .setContent(
                    OASFactory.createContent()
                        .addMediaType(
                            Problem.MEDIA_TYPE,
                            OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref(SCHEMA))));
          }
        }
      }
    }
  }

  private static boolean isError(String code) {
    return code.startsWith("4") || code.startsWith("5");
  }
}
