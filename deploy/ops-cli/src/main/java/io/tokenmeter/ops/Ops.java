package io.tokenmeter.ops;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
        scope = ScopeType.INHERIT,
        description =
                "tokenmeter's operators' tool: topics, dead letters, replays, failed notifications"
                        + " (docs/runbook.md).",
        subcommands = {
            TopicsCheck.class,
            DeadLetterTool.class,
            Replay.class,
            FailedNotifications.class,
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
    final PrintStream out;

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
        Ops ops = new Ops(environment, out);
        return new CommandLine(ops)
                .setOut(writer)
                .setErr(writer)
                .setExecutionExceptionHandler((failure, command, parsed) -> ops.failed(failure))
                .execute(args.toArray(String[]::new));
    }

    /** A command's failure: bad usage, a refusal by the database or by the broker, or a defect. */
    private int failed(Exception failure) throws Exception {
        if (failure instanceof IllegalArgumentException) {
            out.println("ops: " + failure.getMessage());
            return USAGE;
        }
        if (failure instanceof SQLException) {
            out.println("ops: the database refused: " + failure.getMessage());
            return REFUSED;
        }
        if (failure instanceof ExecutionException || failure instanceof TimeoutException) {
            out.println(
                    "ops: the broker at "
                            + bootstrap()
                            + " failed or did not answer: "
                            + failure.getMessage());
            return REFUSED;
        }
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        throw failure;
    }

    /**
     * A connection to {@code DATABASE_URL} as {@code DATABASE_USER}; {@code need} says why one is
     * needed when the URL is not set.
     */
    Connection database(String need) throws SQLException {
        String url = environment.get("DATABASE_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(
                    need + ": set DATABASE_URL (and DATABASE_USER, DATABASE_PASSWORD)");
        }
        return DriverManager.getConnection(
                url,
                environment.getOrDefault("DATABASE_USER", "postgres"),
                environment.getOrDefault("DATABASE_PASSWORD", ""));
    }

    String bootstrap() {
        return bootstrap != null
                ? bootstrap
                : environment.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    }
}
