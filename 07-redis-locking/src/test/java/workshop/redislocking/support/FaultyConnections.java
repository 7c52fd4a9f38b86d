package workshop.redislocking.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * Connections to one server (one new connection per command, closed after it) that disturb the first
 * {@code SET} a client sends, the way a network can: its reply is lost after the server carried it out
 * ({@link Fault#LOSE_REPLY}), or it is held back on its way to the server until the test lets it go
 * ({@link Fault#HOLD}), so that it lands late. Every other command goes through untouched.
 */
public final class FaultyConnections implements ConnectionProvider {

    /** What happens to the first SET. */
    public enum Fault {
        /** The server carries the SET out; the client gets a connection error instead of the reply. */
        LOSE_REPLY,
        /** The SET waits before it reaches the server until {@link #letGo()} (at most {@link #LONGEST_HOLD}). */
        HOLD
    }

    /** The longest a SET is held, should a test fail before it lets go. */
    public static final Duration LONGEST_HOLD = Duration.ofSeconds(10);

    private final LocalRedisServer server;
    private final JedisClientConfig config;
    private final Fault fault;
    private final AtomicBoolean done = new AtomicBoolean();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);
    private final CountDownLatch landed = new CountDownLatch(1);

    public FaultyConnections(LocalRedisServer server, Duration timeout, Fault fault) {
        this.server = server;
        this.config = RedisTarget.embedded(server).config(timeout);
        this.fault = fault;
    }

    /** Waits until the first SET has come (and, for HOLD, is being held); false if none came within {@code limit}. */
    public boolean awaitFirstSet(Duration limit) throws InterruptedException {
        return reached.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Lets a held SET go on to the server. */
    public void letGo() {
        letGo.countDown();
    }

    /** Waits until the disturbed SET has reached the server; false if it did not within {@code limit}. */
    public boolean awaitLanded(Duration limit) throws InterruptedException {
        return landed.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public Connection getConnection() {
        return new Faulty(server.address(), config);
    }

    @Override
    public Connection getConnection(CommandArguments command) {
        return new Faulty(server.address(), config);
    }

    @Override
    public void close() {
        letGo();
    }

    /** One connection; close() disconnects it (it belongs to no pool). */
    private final class Faulty extends Connection {

        Faulty(HostAndPort address, JedisClientConfig clientConfig) {
            super(address, clientConfig);
        }

        @Override
        public <T> T executeCommand(CommandObject<T> command) {
            if (command.getArguments().getCommand() != Protocol.Command.SET || !FaultyConnections.this.done.compareAndSet(false, true)) {
                return super.executeCommand(command);
            }
            FaultyConnections.this.reached.countDown();
            if (FaultyConnections.this.fault == Fault.HOLD) {
                awaitLetGo();
                T reply = super.executeCommand(command);
                FaultyConnections.this.landed.countDown();
                return reply;
            }
            super.executeCommand(command);
            FaultyConnections.this.landed.countDown();
            throw new JedisConnectionException("the reply to SET was lost on its way back (the test dropped it;"
                    + " the server did carry the SET out)");
        }

        private void awaitLetGo() {
            boolean interrupted = false;
            long deadline = System.nanoTime() + LONGEST_HOLD.toNanos();
            while (true) {
                try {
                    if (FaultyConnections.this.letGo.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                            || deadline - System.nanoTime() <= 0) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // a command in flight does not stop for an interrupt either
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
