package io.tokenmeter.ops;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The operators' command line (docs/runbook.md):
 *
 * <pre>
 * ops topics check
 * ops dlt list     --topic &lt;topic&gt;
 * ops dlt show     --topic &lt;topic&gt; --partition &lt;p&gt; --offset &lt;o&gt;
 * ops dlt redrive  --topic &lt;topic&gt; (--partition &lt;p&gt; --offset &lt;o&gt; | --all)
 * ops replay       --service &lt;name&gt; --from earliest|&lt;ISO-8601 time&gt;
 * ops notifications list-failed [--since &lt;ISO-8601 time&gt;]
 * ops notifications resend (--seq &lt;n&gt; | --all) [--since &lt;ISO-8601 time&gt;]
 * </pre>
 *
 * The broker is {@code KAFKA_BOOTSTRAP_SERVERS} (or {@code --bootstrap}); {@code replay --from
 * earliest} and {@code notifications} also need {@code DATABASE_URL}, {@code DATABASE_USER}, {@code
 * DATABASE_PASSWORD}. Exit status: 0 done, 1 refused or drift found, 2 bad usage.
 */
public final class Ops {

    public static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;

    private Ops() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.getenv(), System.out));
    }

    /** Runs one command; the environment stands in for the process environment. */
    public static int run(List<String> args, Map<String, String> environment, PrintStream out) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("ops: " + e.getMessage());
            out.println(USAGE_TEXT);
            return USAGE;
        }
        String bootstrap =
                arguments
                        .option("bootstrap")
                        .orElse(
                                environment.getOrDefault(
                                        "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        try {
            return switch (arguments.command()) {
                case "topics check" -> new TopicsCheck(bootstrap, out).run();
                case "dlt list" ->
                        new DeadLetterTool(bootstrap, out).list(arguments.required("topic"));
                case "dlt show" ->
                        new DeadLetterTool(bootstrap, out)
                                .show(
                                        arguments.required("topic"),
                                        arguments.requiredInt("partition"),
                                        arguments.requiredLong("offset"));
                case "dlt redrive" -> redrive(arguments, bootstrap, out);
                case "replay" ->
                        new Replay(bootstrap, environment, out)
                                .run(arguments.required("service"), arguments.required("from"));
                case "notifications list-failed" ->
                        new FailedNotifications(environment, out).list(since(arguments));
                case "notifications resend" -> resend(arguments, environment, out);
                default -> {
                    out.println("ops: unknown command '" + arguments.command() + "'");
                    out.println(USAGE_TEXT);
                    yield USAGE;
                }
            };
        } catch (IllegalArgumentException e) {
            out.println("ops: " + e.getMessage());
            return USAGE;
        } catch (java.sql.SQLException e) {
            out.println("ops: the database refused: " + e.getMessage());
            return REFUSED;
        }
    }

    private static int resend(Arguments arguments, Map<String, String> environment, PrintStream out)
            throws java.sql.SQLException {
        FailedNotifications notifications = new FailedNotifications(environment, out);
        if (arguments.flag("all")) {
            return notifications.resend(null, since(arguments));
        }
        return notifications.resend(arguments.requiredLong("seq"), since(arguments));
    }

    /** {@code --since}, else the beginning of time. */
    private static java.time.Instant since(Arguments arguments) {
        try {
            return arguments
                    .option("since")
                    .map(java.time.Instant::parse)
                    .orElse(java.time.Instant.EPOCH);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--since takes an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z");
        }
    }

    private static int redrive(Arguments arguments, String bootstrap, PrintStream out) {
        DeadLetterTool tool = new DeadLetterTool(bootstrap, out);
        String topic = arguments.required("topic");
        if (arguments.flag("all")) {
            return tool.redriveAll(topic);
        }
        return tool.redrive(
                topic, arguments.requiredInt("partition"), arguments.requiredLong("offset"));
    }

    static final String USAGE_TEXT =
            """
            usage:
              ops topics check
              ops dlt list     --topic <topic>
              ops dlt show     --topic <topic> --partition <p> --offset <o>
              ops dlt redrive  --topic <topic> (--partition <p> --offset <o> | --all)
              ops replay       --service <subscription-service|usage-metering-service|dashboard-api-service> --from earliest|<ISO-8601 time>
              ops notifications list-failed [--since <ISO-8601 time>]
              ops notifications resend (--seq <n> | --all) [--since <ISO-8601 time>]
            options: --bootstrap <host:port> (default $KAFKA_BOOTSTRAP_SERVERS or localhost:9092)""";
}
