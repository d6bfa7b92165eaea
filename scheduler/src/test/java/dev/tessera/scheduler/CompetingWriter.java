package dev.tessera.scheduler;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** A repository whose reads are followed by another writer's commit, a given number of times. */
final class CompetingWriter extends JobRepository {
  private final TestDatabase db;
  private final AtomicInteger remaining;

  CompetingWriter(TestDatabase db, AtomicInteger remaining) {
    super(db.dataSource, t -> {});
    this.db = db;
    this.remaining = remaining;
  }

  @Override
  public Optional<JobRow> find(UUID id) {
    Optional<JobRow> row = super.find(id);
    if (remaining.get() > 0) {
      remaining.decrementAndGet();
      db.execute("UPDATE jobs SET version = version + 1 WHERE id = '" + id + "'");
    }
    return row;
  }
}
