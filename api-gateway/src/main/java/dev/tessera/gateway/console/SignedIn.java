package dev.tessera.gateway.console;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer of {@code GET /v1/me}: whose key the request carries, so the console can greet the
 * tenant and show the operator board only to operators.
 */
@Schema(name = "SignedIn")
public record SignedIn(String tenant, boolean operator) {}
