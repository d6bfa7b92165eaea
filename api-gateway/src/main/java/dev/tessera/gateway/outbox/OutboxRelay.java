package dev.tessera.gateway.outbox;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Moves outbox rows to Kafka, one batch per {@link #relayBatch()} call, in one database
 * transaction: lock unsent rows ({@code FOR UPDATE SKIP LOCKED}, so replicas relaying side by side
 * take disjoint rows), publish them, wait for every acknowledgement, stamp {@code sent_at}, commit.
 * When the broker fails, the transaction rolls back and the rows stay unsent for the next pass: a
 * row is never marked sent without its record acknowledged.
 *
 * <p>Delivery is at least once: a record the broker stored but whose acknowledgement was lost
 * (broker crash at that moment) is sent again by a later pass. Consumers tolerate that; the
 * scheduler's guarded updates ignore a repeat.
 *
 * <p>Not thread-safe: one thread calls {@link #relayBatch()}. Owns its producer; {@link #close()}
 * is safe twice.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final String LOCK_UNSENT =
      """
      SELECT id, topic, key, payload FROM outbox
      WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""";
  private static final String MARK_SENT = "UPDATE outbox SET sent_at = now() WHERE id = ANY (?)";
  private static final int TIMEOUT_SECONDS = 10;

  private final DataSource dataSource;
  private final Supplier<Producer<String, byte[]>> producers;
  private final int batchSize;
  private final Duration ackWait;
  private Producer<String, byte[]> producer;

  private record Row(long id, String topic, String key, byte[] payload) {}

  /**
   * @param producers makes the producer; called again after a failed pass, so that no state of a
   *     failed session (expired batches, a fenced epoch) carries over
   * @param ackWait how long a pass waits for its acknowledgements
   */
  public OutboxRelay(
      DataSource dataSource,
      Supplier<Producer<String, byte[]>> producers,
      int batchSize,
      Duration ackWait) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.dataSource = dataSource;
    this.producers = producers;
    this.batchSize = batchSize;
    this.ackWait = ackWait;
  }

  public int batchSize() {
    return batchSize;
  }

  /**
   * Publishes up to {@link #batchSize()} unsent rows and marks them sent.
   *
   * @return how many rows were published; 0 when none was free
   * @throws PublishException when the broker did not acknowledge every record; no row was marked
   * @throws SQLException when the database failed; no row was marked
   * @throws InterruptedException when interrupted while waiting for acknowledgements; no row was
   *     marked
   */
  public int relayBatch() throws PublishException, SQLException, InterruptedException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        List<Row> rows = lockUnsent(connection);
        if (!rows.isEmpty()) {
          publish(rows);
          markSent(connection, rows);
        }
        connection.commit();
        return rows.size();
      } catch (PublishException | SQLException | InterruptedException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private List<Row> lockUnsent(Connection connection) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(LOCK_UNSENT)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setInt(1, batchSize);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(
              new Row(
                  result.getLong("id"),
                  result.getString("topic"),
                  result.getString("key"),
                  result.getBytes("payload")));
        }
      }
    }
    return rows;
  }

  private void publish(List<Row> rows) throws PublishException, InterruptedException {
    if (producer == null) {
      producer = producers.get();
    }
    try {
      List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
      for (Row row : rows) {
        Future<RecordMetadata> ack =
            producer.send(new ProducerRecord<>(row.topic(), row.key(), row.payload()));
        // A record the producer could not even queue (no metadata within max.block.ms: broker down,
        // topic missing)
        // fails at once; stop there, or every further send would block as long again.
        if (ack.isDone()) {
          ack.get();
        }
        acks.add(ack);
      }
      long deadline = System.nanoTime() + ackWait.toNanos();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException e) {
      throw failed("a record was not published: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw failed("no acknowledgement within " + ackWait.toMillis() + " ms", e);
    } catch (RuntimeException e) {
      // KafkaException (no metadata within max.block.ms, a fatal producer state) or a closed
      // producer alike.
      throw failed("cannot send: " + e, e);
    } catch (InterruptedException e) {
      discardProducer();
      throw e;
    }
  }

  private PublishException failed(String message, Throwable cause) {
    discardProducer();
    return new PublishException(message, cause);
  }

  private void discardProducer() {
    if (producer != null) {
      // Zero wait: what it still holds belongs to a rolled-back pass and is sent again by the next
      // one.
      producer.close(Duration.ZERO);
      producer = null;
    }
  }

  private static void markSent(Connection connection, List<Row> rows) throws SQLException {
    Long[] ids = rows.stream().map(Row::id).toArray(Long[]::new);
    Array idArray = connection.createArrayOf("bigint", ids);
    try (PreparedStatement update = connection.prepareStatement(MARK_SENT)) {
      update.setQueryTimeout(TIMEOUT_SECONDS);
      update.setArray(1, idArray);
      update.executeUpdate();
    } finally {
      idArray.free();
    }
  }

  @Override
  public void close() {
    discardProducer();
  }
}
