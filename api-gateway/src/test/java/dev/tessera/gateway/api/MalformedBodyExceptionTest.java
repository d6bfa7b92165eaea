package dev.tessera.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MalformedBodyExceptionTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Test
  void textAfterTheValueIsSaidWithoutJacksonsClassNames() {
    JsonProcessingException e =
        assertThrows(JsonProcessingException.class, () -> STRICT.readTree("{\"a\":1}{\"b\":2}"));
    String detail = MalformedBodyException.notJson("line 1", e, false).getMessage();
    assertEquals("line 1 is not valid JSON: more text follows the JSON value (column 8)", detail);
  }

  @Test
  void aSyntaxErrorKeepsJacksonsReasonAndWhere() {
    JsonProcessingException e =
        assertThrows(JsonProcessingException.class, () -> STRICT.readTree("{\"a\": x}"));
    String detail = MalformedBodyException.notJson("the body", e, true).getMessage();
    assertTrue(detail.startsWith("the body is not valid JSON: Unrecognized token 'x'"), detail);
    assertTrue(detail.endsWith("(line 1, column 7)"), detail);
    assertTrue(!detail.contains("com.fasterxml"), detail);
  }
}
