package workshop.dblocking;

import java.util.Objects;

/**
 * A job claimed from a {@link JobQueue}: a row of the {@code jobs} table ({@code schema.sql}).
 *
 * @param id the job's id, as {@link JobQueue#enqueue} returned it
 * @param payload what the job is about, as it was enqueued
 */
public record Job(long id, String payload) {

    public Job {
        Objects.requireNonNull(payload, "payload");
    }
}
