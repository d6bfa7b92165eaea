package dev.tessera.gateway.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Whether webhooks may go to a host: any host where the operator allows private targets ({@code
 * tessera.webhooks.allow-private}, for a farm whose clients live on its own network, and the
 * tests), else only hosts all of whose addresses are public (see {@link PrivateAddresses}). Asked
 * at submission and again before every attempt, since a name's addresses may change in between (DNS
 * rebinding). The check resolves the name through the JVM's resolver, whose cache (30 s by default)
 * then hands the HTTP client the addresses just checked. A lookup blocks for as long as the system
 * resolver allows (its timeout and attempts). Thread-safe.
 */
public final class WebhookTargets {
  /** Public addresses only: the default. */
  public static final WebhookTargets PUBLIC_ONLY = new WebhookTargets(false);

  /** Any address: the operator allows private targets. */
  public static final WebhookTargets ANY = new WebhookTargets(true);

  private final boolean allowPrivate;

  private WebhookTargets(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** The targets the operator's setting allows. */
  public static WebhookTargets allowingPrivate(boolean allowPrivate) {
    return allowPrivate ? ANY : PUBLIC_ONLY;
  }

  /**
   * Why webhooks may not go to {@code host} (a name, or an address literal as a URL holds it), or
   * empty when they may.
   */
  public Optional<String> refusal(String host) {
    if (allowPrivate) {
      return Optional.empty();
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return Optional.of("host " + host + " does not resolve");
    }
    return Arrays.stream(addresses)
        .filter(PrivateAddresses::contains)
        .findFirst()
        .map(
            address ->
                "host "
                    + host
                    + " resolves to "
                    + address.getHostAddress()
                    + ", a private, loopback or otherwise internal address; webhooks go to"
                    + " public addresses only");
  }
}
