package dev.tessera.render.worker;

import dev.tessera.render.pipeline.CancelToken;
import org.apache.kafka.clients.consumer.AcknowledgeType;

/**
 * What a worker does with one delivered job. Called on the worker's render thread, one job at a
 * time.
 */
@FunctionalInterface
public interface JobHandler {
  /**
   * Runs the job in {@code payload} (a {@code RenderJob} as JSON).
   *
   * @param delivery the queue's delivery count of this record, from 1
   * @param cancel cancelled when the worker shuts down mid-job or loses the record's lock, and by
   *     the handler itself when the job's owner cancels it
   * @return how to acknowledge the record: ACCEPT (done, or cancelled by its owner), REJECT (can
   *     never succeed), RELEASE (let another delivery try)
   */
  AcknowledgeType handle(byte[] payload, int delivery, CancelToken cancel);
}
