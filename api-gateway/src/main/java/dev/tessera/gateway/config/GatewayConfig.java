package dev.tessera.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's own settings ({@code tessera.*}); {@code application.properties} maps each to the
 * environment variable operators set ({@code TESSERA_MODELS}, {@code KAFKA_BOOTSTRAP}, {@code
 * S3_*}).
 */
@ConfigMapping(prefix = "tessera")
public interface GatewayConfig {
  /**
   * Models jobs may ask for; the first is the default. The scheduler dispatches each model's jobs
   * to its queue {@code render.jobs.<model>}.
   */
  List<String> models();

  Kafka kafka();

  S3 s3();

  Relay relay();

  Outbox outbox();

  Results results();

  Workers workers();

  Http http();

  Webhooks webhooks();

  /** Where the relay publishes. */
  interface Kafka {
    /** {@code bootstrap.servers} of the cluster holding render.control. */
    String bootstrap();
  }

  /**
   * The object store holding results; used to sign URLs, and by the OpenAI and A1111 APIs, which
   * answer with the images, to read results and store the images they derive from them.
   */
  interface S3 {
    String endpoint();

    /**
     * The endpoint clients reach, when it differs from {@link #endpoint()} (an in-cluster service
     * name): a presigned URL signs its host, so it must be built for the host the client will call.
     */
    Optional<String> publicEndpoint();

    String accessKey();

    String secretKey();

    @WithDefault("tessera")
    String bucket();

    /**
     * Signing region; given explicitly so that signing never asks the server for the bucket's
     * location.
     */
    @WithDefault("us-east-1")
    String region();

    /** How long a result URL stays valid. */
    @WithDefault("1h")
    Duration urlTtl();
  }

  /** The outbox relay's pace. */
  interface Relay {
    /**
     * Rows taken (and locked) per pass. Each pass waits for its acknowledgements, so a batch's
     * 10,000 rows take 20 passes at 500 (about 0.26 s here) against 100 passes at 100 (0.76 s); a
     * pass that fails is retried whole, so larger passes repeat more records after a broker fault.
     */
    @WithDefault("500")
    int batchSize();

    /**
     * Wait between passes when the outbox is empty; a cancellation in this replica wakes the relay
     * earlier.
     */
    @WithDefault("1s")
    Duration idlePoll();

    /** Longest pause between retries while the broker or the database fails. */
    @WithDefault("30s")
    Duration maxBackoff();
  }

  /** How long results are kept. */
  interface Results {
    /**
     * How long after its job finished a result (its PNG and the images derived from it) is kept;
     * then it is deleted, about once a minute, and the job shows when. 0 keeps every result.
     */
    @WithDefault("0s")
    Duration retention();
  }

  /** The outbox's housekeeping. */
  interface Outbox {
    /**
     * How long a sent row stays in the outbox, for looking into a recent delivery; older ones are
     * deleted, about once a minute.
     */
    @WithDefault("1h")
    Duration retention();
  }

  /** The worker registry as {@code GET /v1/workers} shows it. */
  interface Workers {
    /**
     * A worker not heard from for this long is shown LOST; the scheduler's lease timeout has the
     * same default, after which it takes the worker's job back.
     */
    @WithDefault("30s")
    Duration lease();
  }

  /** Request limits. */
  interface Http {
    /** Largest body of any request but a batch. */
    MemorySize maxBodySize();

    /**
     * Largest body of {@code POST /v1/batches}: room for 10,000 prompts. {@code
     * quarkus.http.limits.max-body-size} must be at least this, or Quarkus refuses first.
     */
    MemorySize maxBatchBodySize();

    /**
     * {@code Strict-Transport-Security}'s {@code max-age} on answers to requests that came over
     * TLS; zero sends none.
     */
    @WithDefault("365d")
    Duration hstsMaxAge();
  }

  /** Webhook deliveries: where they may go, and how the sender works the queue. */
  interface Webhooks {
    /**
     * Whether this replica sends deliveries; every replica that does shares the queue. Off, the
     * deliveries wait for a replica that sends.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Whether webhooks may go to private, loopback, link-local and unique-local addresses: for a
     * farm whose clients live on its own network. Off, such targets are refused at submission and
     * before every attempt.
     */
    @WithDefault("false")
    boolean allowPrivate();

    /** Wait between looks at the queue while nothing is due. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Deliveries attempted at once, at most, per replica. */
    @WithDefault("32")
    int concurrency();

    /** Wait after a delivery's first failed attempt; it doubles after each further one. */
    @WithDefault("5s")
    Duration firstRetry();

    /** Longest wait between a delivery's attempts. */
    @WithDefault("1h")
    Duration maxRetry();

    /** How long after its event a delivery is still tried; then it is given up. */
    @WithDefault("24h")
    Duration maxAge();

    /**
     * How long a delivery that ended (delivered or given up) is kept, with its attempts, for {@code
     * GET /v1/webhooks/deliveries}; older ones are deleted, about once a minute.
     */
    @WithDefault("7d")
    Duration retention();
  }
}
