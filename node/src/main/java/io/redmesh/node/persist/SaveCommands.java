package io.redmesh.node.persist;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;

/**
 * Background saving (SAVE, LASTSAVE, DUMP and RESTORE live in family/PersistenceCommands).
 *
 * <pre>
 * BGSAVE [SCHEDULE]
 * +Background saving started
 * +Background saving scheduled        (SCHEDULE while an AOF rewrite runs, or inside MULTI)
 * -ERR Background save already in progress
 * -ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE ...
 * </pre>
 */
public final class SaveCommands implements CommandFamily {
    /** Redis 7.0's shared.bgsaveerr, answered to writes (and PING) while saving is failing. */
    public static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently "
            + "unable to persist to disk. Commands that may modify the data set are disabled, because this "
            + "instance is configured to report errors during writes if RDB snapshotting fails "
            + "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

    private final BackgroundSaver saver;

    public SaveCommands(BackgroundSaver saver) {
        this.saver = saver;
    }

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("bgsave", this::bgsave);
    }

    /** Redis 7.0's bgsaveCommand(). */
    private void bgsave(CommandContext c) {
        boolean schedule = false;
        if (c.argc() > 1) {
            if (c.argc() == 2 && c.argIs(1, "SCHEDULE")) {
                schedule = true;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        boolean inExec = !c.canBlock();
        if (saver.inProgress()) {
            throw RedisException.err("Background save already in progress");
        } else if (saver.childActive() || inExec) {
            if (schedule || inExec) {
                saver.schedule();
                c.reply.simple("Background saving scheduled");
            } else {
                throw RedisException.err("Another child process is active (AOF?): can't BGSAVE right now. "
                        + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            }
        } else if (saver.startBackground()) {
            c.reply.simple("Background saving started");
        } else {
            throw new RedisException("ERR"); // shared.err: Redis's reply when the fork fails
        }
    }
}
