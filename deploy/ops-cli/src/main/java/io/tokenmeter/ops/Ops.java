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
 * </pre>
 *
 * The broker is {@code KAFKA_BOOTSTRAP_SERVERS} (or {@code --bootstrap}); {@code replay --from
 * earliest} also needs {@code DATABASE_URL}, {@code DATABASE_USER}, {@code DATABASE_PASSWORD}. Exit
 * status: 0 done, 1 refused or drift found, 2 bad usage.
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
                default -> {
                    out.println("ops: unknown command '" + arguments.command() + "'");
                    out.println(USAGE_TEXT);
                    yield USAGE;
                }
            };
        } catch (IllegalArgumentException e) {
            out.println("ops: " + e.getMessage());
            return USAGE;
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
            options: --bootstrap <host:port> (default $KAFKA_BOOTSTRAP_SERVERS or localhost:9092)""";
}
