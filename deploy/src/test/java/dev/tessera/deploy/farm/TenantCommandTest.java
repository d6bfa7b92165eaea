package dev.tessera.deploy.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code ./farm tenant} splits its command line: {@code --operator} takes no value. */
class TenantCommandTest {
  @Test
  void theOperatorFlagTakesNoValueWhereverItStands() {
    TenantCommand.Arguments last =
        TenantCommand.Arguments.parse(List.of("create", "ops", "--weight", "3", "--operator"));
    assertEquals(List.of("create", "ops"), last.words());
    assertEquals(Map.of("weight", "3", "operator", "true"), last.options());

    TenantCommand.Arguments first =
        TenantCommand.Arguments.parse(List.of("create", "--operator", "ops", "--rate", "5"));
    assertEquals(List.of("create", "ops"), first.words());
    assertEquals(Map.of("operator", "true", "rate", "5"), first.options());
  }

  @Test
  void anOptionWithoutItsValueIsRefused() {
    assertEquals(
        "--weight needs a value",
        assertThrows(
                IllegalArgumentException.class,
                () -> TenantCommand.Arguments.parse(List.of("create", "ops", "--weight")))
            .getMessage());
  }
}
