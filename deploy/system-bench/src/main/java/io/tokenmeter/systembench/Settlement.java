package io.tokenmeter.systembench;

import io.tokenmeter.schemas.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 15's paired check: metering must not lose more than 10 % of its throughput to settling
 * holds. Four backlogs, ABBA, each metered from metering's readiness until its lag is gone, as the
 * backlog phase measures: A, every session holding a reservation taken over HTTP beforehand (so
 * every batch deletes their holds); B, sessions of users who never reserved. A smaller B backlog
 * goes first, not counted: the first backlog after the stack starts was the slowest of its kind in
 * every run before. ABBA, so that a drift along the runs (the ledger grows by a backlog each time)
 * weighs on both kinds alike. Every run is reported, so that the noise between runs of one kind
 * shows beside the difference between the kinds.
 */
final class Settlement {

    static final int CONNECTIONS = 64;

    private final Stack stack;
    private final Lag lag;
    private final Options options;
    private final List<Row> rows;
    private final String prefix;

    Settlement(Stack stack, Lag lag, String run, Options options, List<Row> rows) {
        this.stack = stack;
        this.lag = lag;
        this.options = options;
        this.rows = rows;
        this.prefix = "bset" + run;
    }

    void run() throws Exception {
        int sessions = options.scaled(100_000);
        int users = options.scaled(10_000);
        List<Double> held = new ArrayList<>();
        List<Double> none = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        double warmup = backlog(prefix + "b0", sessions / 5, users, false);
        SystemBench.log("settlement: B0 (warm-up, not counted) %,.0f sessions/s", warmup);
        String[] order = {"A1", "B1", "B2", "A2"};
        for (String name : order) {
            boolean holds = name.startsWith("A");
            double rate = backlog(prefix + name.toLowerCase(Locale.ROOT), sessions, users, holds);
            (holds ? held : none).add(rate);
            runs.add(String.format(Locale.ROOT, "%s %,.0f/s", name, rate));
            SystemBench.log(
                    "settlement: %s (%s) %,.0f sessions/s",
                    name, holds ? "every session held" : "no holds", rate);
        }
        double a = mean(held);
        double b = mean(none);
        double drop = 100 * (1 - a / b);
        rows.add(
                Row.of(
                                "settlement",
                                String.format(
                                        Locale.ROOT,
                                        "metering's rate lost to settling holds: %,d-session backlogs,"
                                                + " every session held (A) vs none (B), ABBA",
                                        sessions),
                                drop,
                                "%",
                                Target.atMost(10, "%"))
                        .note(
                                String.format(
                                        Locale.ROOT,
                                        "%s (from metering's readiness); A vs A %.0f %% apart, B vs"
                                                + " B %.0f %%: a drop within that spread is noise",
                                        String.join(", ", runs),
                                        spread(held),
                                        spread(none))));
    }

    /**
     * One backlog: {@code sessions} for {@code users} (each user's sessions fit FREE's quota),
     * reserved first over HTTP when {@code holds}; then metering stopped, the sessions published
     * (each using what it held), metering started; sessions per second from its readiness until its
     * lag is gone.
     */
    private double backlog(String name, int sessions, int users, boolean holds) throws Exception {
        if (holds) {
            reserveAll(name, sessions, users);
        }
        stack.stop(Phases.METERING);
        Phases.publishSessions(
                stack.bootstrap(),
                sessions,
                i -> user(name, i, users),
                i -> session(name, i),
                i -> tokens(i));
        long launched = System.nanoTime();
        stack.launch(Phases.METERING, options.serviceJvm()).awaitReady();
        long ready = System.nanoTime();
        long done =
                lag.awaitNone(
                        Phases.METERING,
                        Topics.SESSION_COMPLETED.name(),
                        launched,
                        Duration.ofSeconds(options.quick() ? 120 : 400));
        if (holds) {
            long left = holdsLeft(name);
            if (left > 0) {
                throw new IllegalStateException(
                        left + " holds of metered sessions left in " + name);
            }
        }
        return sessions / ((done - ready) / 1e9);
    }

    /** A hold for every session of the backlog, over HTTP; every one must be granted. */
    private void reserveAll(String name, int sessions, int users) throws Exception {
        long start = System.nanoTime();
        HttpLoad.Result result =
                HttpLoad.run(
                        stack.port(Phases.METERING),
                        CONNECTIONS,
                        0,
                        (c, n) -> {
                            long i = c + n * CONNECTIONS;
                            if (i >= sessions) {
                                return null;
                            }
                            return HttpLoad.jsonRequest(
                                    "POST",
                                    "/api/usage/" + user(name, (int) i, users) + "/reservations",
                                    "Authorization: Bearer " + Stack.METERING_TOKEN,
                                    "{\"session_id\":\""
                                            + session(name, (int) i)
                                            + "\",\"tokens\":"
                                            + tokens((int) i)
                                            + "}");
                        },
                        (c, n, status) -> status == 201);
        if (result.failed() > 0) {
            throw new IllegalStateException(
                    result.failed() + " reservations not granted: " + result.firstFailure());
        }
        SystemBench.log(
                "settlement: %,d holds taken in %.1f s",
                result.ok(), (System.nanoTime() - start) / 1e9);
    }

    private long holdsLeft(String name) throws Exception {
        try (Connection connection = stack.connection();
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT count(*) FROM metering.reservation"
                                        + " WHERE starts_with(session_id, ?)")) {
            query.setString(1, name + "_s");
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static String user(String name, int i, int users) {
        return name + "_" + (i % users);
    }

    private static String session(String name, int i) {
        return name + "_s" + i;
    }

    /** As the backlog phase's: 100–1,099 tokens, so a user's share fits FREE's 100,000. */
    private static long tokens(int i) {
        return 100 + (i % 1_000);
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** How far apart the runs of one kind are, as a share of their mean, in %. */
    private static double spread(List<Double> values) {
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        return 100 * (max - min) / mean(values);
    }
}
