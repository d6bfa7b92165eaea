package dev.tessera.gateway.a1111;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SdApiCredentialsTest {
  @Test
  void theKeyIsABearerTokenOrTheBasicPassword() {
    assertEquals(Optional.of("tsk_abc"), SdApiCredentials.key("Bearer tsk_abc"));
    assertEquals(Optional.of("tsk_abc"), SdApiCredentials.key("basic " + basic("user:tsk_abc")));
    assertEquals(Optional.of("tsk_abc"), SdApiCredentials.key("Basic " + basic(":tsk_abc")));
  }

  @Test
  void anythingElseCarriesNoKey() {
    assertEquals(Optional.empty(), SdApiCredentials.key(null));
    assertEquals(Optional.empty(), SdApiCredentials.key("Basic not*base64"));
    assertEquals(Optional.empty(), SdApiCredentials.key("Basic " + basic("no-colon")));
    assertEquals(Optional.empty(), SdApiCredentials.key("Digest username=x"));
  }

  private static String basic(String credentials) {
    return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }
}
