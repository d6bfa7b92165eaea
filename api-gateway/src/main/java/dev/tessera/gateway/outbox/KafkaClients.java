package dev.tessera.gateway.outbox;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Client settings of the relay's producer and admin client, chosen so that an unreachable broker
 * fails a relay pass within seconds.
 */
public final class KafkaClients {
  /** Longest a send waits for topic metadata, which it needs before it can queue a record. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(5);

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /**
   * After this the producer gives up on a record; it must cover linger plus one request timeout.
   */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(15);

  /**
   * How long a relay pass waits for its acknowledgements: past the producer's own delivery timeout
   * plus one request, so every record's fate is settled by the producer (acked or failed) before
   * the pass gives up on it.
   */
  public static final Duration ACK_WAIT = DELIVERY_TIMEOUT.plus(REQUEST_TIMEOUT).plusSeconds(2);

  private KafkaClients() {}

  /**
   * An idempotent producer that waits for all in-sync replicas: no duplicates from its own retries,
   * no lost acks.
   */
  public static Map<String, Object> producer(String bootstrapServers) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG,
        "tessera-gateway-outbox",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        true,
        ProducerConfig.ACKS_CONFIG,
        "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG,
        (int) MAX_BLOCK.toMillis(),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) REQUEST_TIMEOUT.toMillis(),
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        (int) DELIVERY_TIMEOUT.toMillis(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        ByteArraySerializer.class);
  }

  /** An admin client whose calls fail within seconds when the broker is down. */
  public static Map<String, Object> admin(String bootstrapServers) {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        AdminClientConfig.CLIENT_ID_CONFIG,
        "tessera-gateway-topics",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) REQUEST_TIMEOUT.toMillis(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) REQUEST_TIMEOUT.multipliedBy(2).toMillis());
  }
}
