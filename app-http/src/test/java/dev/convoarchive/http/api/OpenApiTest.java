package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document and the registered routes must name exactly the same operations. */
class OpenApiTest {

  @Test
  void theDocumentIsValidAndMatchesTheRoutes() {
    try (Tokens tokens = new Tokens(); TestService service = TestService.start(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens)) {
      HttpResponse<String> response = service.send("GET", "/openapi.json", null);
      assertThat(response.statusCode()).isEqualTo(200);

      SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(response.body());
      assertThat(parsed.getMessages()).as("OpenAPI validation messages").isEmpty();
      List<String> documented = new ArrayList<>();
      parsed.getOpenAPI().getPaths().forEach((path, item) ->
          item.readOperationsMap().keySet().forEach(method -> documented.add(method.name().toUpperCase(Locale.ROOT) + " " + path)));

      assertThat(documented).containsExactlyInAnyOrderElementsOf(service.app().routes());
      assertThat(service.app().routes()).hasSize(19); // 12 operations and a HEAD for each of the 7 GETs
    }
  }
}
