package dev.tessera.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which addresses webhooks may not reach; address literals only, so no lookup is made. */
class PrivateAddressesTest {
  private static boolean isPrivate(String literal) throws UnknownHostException {
    return PrivateAddresses.contains(InetAddress.getByName(literal));
  }

  @Test
  void refusesPrivateLoopbackLinkLocalUniqueLocalAndUnspecifiedRanges() throws Exception {
    for (String address :
        List.of(
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.20",
            "127.0.0.1",
            "127.10.20.30",
            "169.254.169.254", // cloud metadata
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fdff:ffff::1",
            "fe80::1",
            "febf::1",
            "ff02::1",
            "::ffff:10.0.0.1", // IPv4-mapped
            "64:ff9b::a00:1", // NAT64 of 10.0.0.1
            "2002:c0a8:0101::1")) { // 6to4 of 192.168.1.1
      assertTrue(isPrivate(address), address + " must be refused");
    }
  }

  @Test
  void passesPublicAddresses() throws Exception {
    for (String address :
        List.of(
            "93.184.216.34",
            "8.8.8.8",
            "172.15.255.255", // just below 172.16/12
            "172.32.0.1", // just above
            "192.169.0.1",
            "169.253.255.255",
            "100.128.0.1",
            "11.0.0.1",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "fbff::1", // just below fc00::/7
            "2002:808:808::1")) { // 6to4 of 8.8.8.8
      assertFalse(isPrivate(address), address + " must pass");
    }
  }
}
