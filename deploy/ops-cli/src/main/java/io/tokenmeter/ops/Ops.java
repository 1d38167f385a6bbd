package io.tokenmeter.ops;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * The operators' command line (docs/runbook.md), parsed by picocli: {@code ops --help} and {@code
 * ops <command> --help} describe every command, {@code ops generate-completion} prints a bash/zsh
 * completion script.
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
@Command(
        name = "ops",
        mixinStandardHelpOptions = true,
        description =
                "tokenmeter's operators' tool: topics, dead letters, replays, failed notifications"
                        + " (docs/runbook.md).",
        subcommands = {
            Ops.TopicsCommand.class,
            Ops.DltCommand.class,
            Ops.ReplayCommand.class,
            Ops.NotificationsCommand.class,
            AutoComplete.GenerateCompletion.class
        },
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:done", "1:refused, or drift found", "2:bad usage"})
public final class Ops {

    public static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;

    @Option(
            names = "--bootstrap",
            scope = ScopeType.INHERIT,
            paramLabel = "<host:port>",
            description = "the broker (default: $KAFKA_BOOTSTRAP_SERVERS, else localhost:9092)")
    String bootstrap;

    private final Map<String, String> environment;
    private final PrintStream out;

    private Ops(Map<String, String> environment, PrintStream out) {
        this.environment = environment;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.getenv(), System.out));
    }

    /** Runs one command; the environment stands in for the process environment. */
    public static int run(List<String> args, Map<String, String> environment, PrintStream out) {
        PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
        CommandLine commandLine =
                new CommandLine(new Ops(environment, out))
                        .setOut(writer)
                        .setErr(writer)
                        .setExecutionExceptionHandler(
                                (failure, command, parsed) -> {
                                    if (failure instanceof IllegalArgumentException) {
                                        out.println("ops: " + failure.getMessage());
                                        return USAGE;
                                    }
                                    if (failure instanceof java.sql.SQLException) {
                                        out.println(
                                                "ops: the database refused: "
                                                        + failure.getMessage());
                                        return REFUSED;
                                    }
                                    throw failure;
                                });
        return commandLine.execute(args.toArray(String[]::new));
    }

    String bootstrap() {
        return bootstrap != null
                ? bootstrap
                : environment.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    }

    @Command(
            name = "topics",
            mixinStandardHelpOptions = true,
            description = "The broker's topics against the catalogue.",
            subcommands = TopicsCommand.Check.class)
    static final class TopicsCommand {

        @ParentCommand Ops ops;

        @Command(
                name = "check",
                mixinStandardHelpOptions = true,
                description =
                        "Lists every drift from the catalogue (partitions, cleanup policy,"
                                + " retention); exit status 1 when there is some.")
        static final class Check implements Callable<Integer> {

            @ParentCommand TopicsCommand topics;

            @Override
            public Integer call() {
                return new TopicsCheck(topics.ops.bootstrap(), topics.ops.out).run();
            }
        }
    }

    @Command(
            name = "dlt",
            mixinStandardHelpOptions = true,
            description = "Dead-letter topics: list, show and redrive their records.",
            subcommands = {
                DltCommand.ListLetters.class,
                DltCommand.Show.class,
                DltCommand.Redrive.class
            })
    static final class DltCommand {

        @ParentCommand Ops ops;

        DeadLetterTool tool() {
            return new DeadLetterTool(ops.bootstrap(), ops.out);
        }

        @Command(
                name = "list",
                mixinStandardHelpOptions = true,
                description = "One line per dead letter of a topic.")
        static final class ListLetters implements Callable<Integer> {

            @ParentCommand DltCommand dlt;

            @Option(names = "--topic", required = true, description = "the source topic")
            String topic;

            @Override
            public Integer call() {
                return dlt.tool().list(topic);
            }
        }

        @Command(
                name = "show",
                mixinStandardHelpOptions = true,
                description = "One dead letter: its headers and its record, decoded if it can be.")
        static final class Show implements Callable<Integer> {

            @ParentCommand DltCommand dlt;

            @Option(names = "--topic", required = true, description = "the source topic")
            String topic;

            @Option(names = "--partition", required = true)
            int partition;

            @Option(names = "--offset", required = true)
            long offset;

            @Override
            public Integer call() {
                return dlt.tool().show(topic, partition, offset);
            }
        }

        @Command(
                name = "redrive",
                mixinStandardHelpOptions = true,
                description = "Sends dead letters back to their source topic.")
        static final class Redrive implements Callable<Integer> {

            @ParentCommand DltCommand dlt;

            @Option(names = "--topic", required = true, description = "the source topic")
            String topic;

            @ArgGroup(multiplicity = "1")
            Which which;

            static final class Which {
                @ArgGroup(exclusive = false)
                One one;

                @Option(names = "--all", required = true, description = "every dead letter")
                boolean all;
            }

            static final class One {
                @Option(names = "--partition", required = true)
                int partition;

                @Option(names = "--offset", required = true)
                long offset;
            }

            @Override
            public Integer call() {
                return which.all
                        ? dlt.tool().redriveAll(topic)
                        : dlt.tool().redrive(topic, which.one.partition, which.one.offset);
            }
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description =
                    "Rebuilds a stopped service's state from its input topics: --from earliest"
                            + " drops its schema and rewinds its group; --from <time> rewinds to"
                            + " that instant and keeps the state.")
    static final class ReplayCommand implements Callable<Integer> {

        @ParentCommand Ops ops;

        @Option(
                names = "--service",
                required = true,
                paramLabel = "<service>",
                description =
                        "subscription-service, usage-metering-service or dashboard-api-service")
        String service;

        @Option(
                names = "--from",
                required = true,
                paramLabel = "earliest|<ISO-8601 time>",
                description = "where to replay from")
        String from;

        @Override
        public Integer call() {
            return new Replay(ops.bootstrap(), ops.environment, ops.out).run(service, from);
        }
    }

    @Command(
            name = "notifications",
            mixinStandardHelpOptions = true,
            description =
                    "notification-service's failed notifications: list them, send them again.",
            subcommands = {
                NotificationsCommand.ListFailed.class,
                NotificationsCommand.Resend.class
            })
    static final class NotificationsCommand {

        @ParentCommand Ops ops;

        FailedNotifications failed() {
            return new FailedNotifications(ops.environment, ops.out);
        }

        @Command(
                name = "list-failed",
                mixinStandardHelpOptions = true,
                description = "Notifications given up on, newest first.")
        static final class ListFailed implements Callable<Integer> {

            @ParentCommand NotificationsCommand notifications;

            @Option(
                    names = "--since",
                    paramLabel = "<ISO-8601 time>",
                    description = "only those that failed since then")
            String since;

            @Override
            public Integer call() throws Exception {
                return notifications.failed().list(since(since));
            }
        }

        @Command(
                name = "resend",
                mixinStandardHelpOptions = true,
                description = "Queues failed notifications again.")
        static final class Resend implements Callable<Integer> {

            @ParentCommand NotificationsCommand notifications;

            @ArgGroup(multiplicity = "1")
            Which which;

            static final class Which {
                @Option(names = "--seq", required = true, description = "one notification")
                Long seq;

                @Option(names = "--all", required = true, description = "every failed one")
                boolean all;
            }

            @Option(names = "--since", paramLabel = "<ISO-8601 time>")
            String since;

            @Override
            public Integer call() throws Exception {
                return notifications.failed().resend(which.all ? null : which.seq, since(since));
            }
        }

        /** {@code --since}, else the beginning of time. */
        static java.time.Instant since(String since) {
            if (since == null) {
                return java.time.Instant.EPOCH;
            }
            try {
                return java.time.Instant.parse(since);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "--since takes an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z");
            }
        }
    }
}
