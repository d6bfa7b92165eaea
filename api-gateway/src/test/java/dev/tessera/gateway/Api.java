package dev.tessera.gateway;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests to the gateway's API as tenant {@code test} (its key from {@link GatewayServices}). */
public final class Api {
  private Api() {}

  /** A request that carries tenant {@code test}'s key. */
  public static RequestSpecification given() {
    return as(GatewayServices.key);
  }

  /** A request that carries {@code key}. */
  public static RequestSpecification as(String key) {
    return RestAssured.given().header("Authorization", "Bearer " + key);
  }
}
