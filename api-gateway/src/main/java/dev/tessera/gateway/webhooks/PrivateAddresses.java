package dev.tessera.gateway.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Addresses a webhook must not reach from inside the farm: private, loopback, link-local,
 * unique-local, shared (carrier-grade NAT), unspecified, multicast and reserved ranges, where a
 * tenant could otherwise make the gateway call the operator's own services (SSRF). IPv6 addresses
 * that carry an IPv4 address (mapped, NAT64, 6to4) are judged by the address they carry. Pure;
 * thread-safe.
 */
public final class PrivateAddresses {
  private static final List<Range> IPV4 =
      ranges(
          "0.0.0.0/8", // this network; 0.0.0.0 reaches the local host
          "10.0.0.0/8",
          "100.64.0.0/10", // shared address space (carrier-grade NAT)
          "127.0.0.0/8",
          "169.254.0.0/16", // link-local, cloud metadata services included
          "172.16.0.0/12",
          "192.0.0.0/24", // IETF protocol assignments
          "192.168.0.0/16",
          "198.18.0.0/15", // benchmarking
          "224.0.0.0/4", // multicast
          "240.0.0.0/4"); // reserved, and the broadcast address

  private static final List<Range> IPV6 =
      ranges(
          "::/128", // unspecified
          "::1/128",
          "fc00::/7", // unique-local
          "fe80::/10", // link-local
          "fec0::/10", // site-local (deprecated, still routable inside some networks)
          "ff00::/8"); // multicast

  // Spelled out: Java parses the literal ::ffff:0:0 as the IPv4 address 0.0.0.0.
  private static final Range MAPPED =
      new Range(
          new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);
  private static final Range NAT64 = range("64:ff9b::/96");
  private static final Range SIX_TO_FOUR = range("2002::/16");

  private PrivateAddresses() {}

  /** Whether webhooks must not be sent to {@code address}. */
  public static boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return IPV4.stream().anyMatch(r -> r.contains(bytes));
    }
    if (MAPPED.contains(bytes) || NAT64.contains(bytes)) {
      return contains(ipv4(Arrays.copyOfRange(bytes, 12, 16)));
    }
    if (SIX_TO_FOUR.contains(bytes)) {
      return contains(ipv4(Arrays.copyOfRange(bytes, 2, 6)));
    }
    return IPV6.stream().anyMatch(r -> r.contains(bytes));
  }

  private static InetAddress ipv4(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  private static List<Range> ranges(String... cidrs) {
    return Arrays.stream(cidrs).map(PrivateAddresses::range).toList();
  }

  private static Range range(String cidr) {
    String[] parts = cidr.split("/", 2);
    try {
      // A literal: parsed, never looked up.
      byte[] prefix = InetAddress.getByName(parts[0]).getAddress();
      return new Range(prefix, Integer.parseInt(parts[1]));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an address literal: " + cidr, e);
    }
  }

  /** The addresses whose first {@code bits} bits are those of {@code prefix}. */
  private record Range(byte[] prefix, int bits) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[whole] & mask) == (prefix[whole] & mask);
    }
  }
}
