package io.tokenmeter.systembench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness's pure parts: targets, the table, the options, the docs section, the
 * notification receivers' bookkeeping.
 */
class HarnessTests {

    @Test
    void aFloorIsMetFromItsLimitUpAndSaysHowFarShortOtherwise() {
        Target floor = Target.atLeast(25_000, "events/s");

        assertThat(floor.verdict(25_000)).isEqualTo("met");
        assertThat(floor.verdict(43_408)).isEqualTo("met");
        assertThat(floor.verdict(10_000)).isEqualTo("**missed**: 60 % short (×2.5 to go)");
        assertThat(floor.verdict(0)).isEqualTo("**missed** (none)");
        assertThat(floor.verdict(Double.NaN)).isEqualTo("**not measured**");
        assertThat(floor.text()).isEqualTo("≥ 25,000 events/s");
    }

    @Test
    void aCeilingIsMetUpToItsLimitAndSaysByWhatFactorItIsExceeded() {
        Target ceiling = Target.atMost(250, "ms");

        assertThat(ceiling.verdict(250)).isEqualTo("met");
        assertThat(ceiling.verdict(800)).isEqualTo("**missed**: ×3.2 over");
        assertThat(Target.atMost(0, "").verdict(3)).isEqualTo("**missed** (3 instead of 0)");
        assertThat(Target.atMost(0, "").verdict(0)).isEqualTo("met");
    }

    @Test
    void theTableShowsFigureTargetVerdictBaselineAndRatio() {
        List<Row> rows =
                List.of(
                        Row.of(
                                        "status reads",
                                        "reads/s",
                                        31_041.4,
                                        "/s",
                                        Target.atLeast(15_000, "/s"))
                                .note("16 connections")
                                .baseline(4_106, "a query per request", true),
                        Row.of("status reads", "p99", 12.5, "ms", Target.atMost(10, "ms"))
                                .baseline(5.0, "naive", false),
                        Row.failed("replay", "—", "failed: boom"));

        assertThat(Table.markdown(rows))
                .isEqualTo(
                        """
                        | phase | figure | measured | target | met? | naive baseline | ratio |
                        |---|---|---|---|---|---|---|
                        | status reads | reads/s | **31,041 /s** (16 connections) | ≥ 15,000 /s | met | 4,106 /s (a query per request) | ×7.6 |
                        | status reads | p99 | **12.5 ms** | ≤ 10 ms | **missed**: ×1.3 over | 5 ms (naive) | ×0.40 |
                        | replay | — | — (failed: boom) | — | **not measured** | — | — |
                        """);
    }

    @Test
    void aFigureThatCouldNotBeMeasuredIsNeverMet() {
        Row failed = Row.failed("start-up", "all five together", "failed: port taken");

        assertThat(failed.failed()).isTrue();
        assertThat(failed.met()).isFalse();
        assertThat(Row.of("cpu", "cores", 1.9, "cores", null).failed()).isFalse();
        assertThat(Row.of("cpu", "cores", 1.9, "cores", null).met()).isTrue();
    }

    @Test
    void numbersReadAsPeopleWriteThem() {
        assertThat(Table.number(1_000_000)).isEqualTo("1,000,000");
        assertThat(Table.number(243.4)).isEqualTo("243");
        assertThat(Table.number(12)).isEqualTo("12");
        assertThat(Table.number(12.34)).isEqualTo("12.3");
        assertThat(Table.number(1.66)).isEqualTo("1.66");
        assertThat(Table.number(0)).isEqualTo("0");
        assertThat(Table.ratio(15.2)).isEqualTo("×15");
        assertThat(Table.ratio(1.54)).isEqualTo("×1.5");
        assertThat(Table.ratio(1_239.0 / 26_482)).isEqualTo("×0.05");
    }

    @Test
    void quickScalesToATenthAndPhasesRunInTheirFixedOrder() {
        Options options = Options.parse(List.of("--quick", "--phases", "replay,status,backlog"));

        assertThat(options.scaled(1_000_000)).isEqualTo(100_000);
        assertThat(options.phases()).containsExactly("status", "backlog", "replay");
        assertThat(options.runs("steady")).isFalse();
        assertThat(Options.parse(List.of()).scaled(10_000)).isEqualTo(10_000);
        assertThat(Options.parse(List.of()).phases())
                .containsExactlyElementsOf(Options.DEFAULT)
                .doesNotContain("startup-options");
        assertThat(
                        Options.parse(List.of("--jvm", " -XX:TieredStopAtLevel=1  -Xss512k"))
                                .serviceJvm())
                .startsWith(
                        io.tokenmeter.localstack.ServiceProcess.JVM_OPTIONS.toArray(String[]::new))
                .endsWith("-XX:TieredStopAtLevel=1", "-Xss512k");
        assertThatThrownBy(() -> Options.parse(List.of("--phases", "replay")))
                .hasMessageContaining("add backlog");
        assertThatThrownBy(() -> Options.parse(List.of("--phases", "warp")))
                .hasMessageContaining("unknown phase warp");
        assertThatThrownBy(() -> Options.parse(List.of("--fast")))
                .hasMessageContaining("unknown argument --fast");
    }

    @Test
    void theDocsSectionGoesBelowTheTitleOnceThenReplacesItself() {
        String page = "# Benchmarks\n\nOlder figures.\n";

        String first = Docs.update(page, "run 1");
        String second = Docs.update(first, "run 2\n");

        assertThat(first)
                .isEqualTo(
                        "# Benchmarks\n\n"
                                + Docs.BEGIN
                                + "\nrun 1\n"
                                + Docs.END
                                + "\n\nOlder figures.\n");
        assertThat(second).isEqualTo(first.replace("run 1", "run 2"));
    }

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        Latencies latencies = new Latencies();
        for (int i = 1; i <= 2_000; i++) {
            latencies.add(i * 1_000_000L);
        }

        assertThat(latencies.percentileMillis(50)).isEqualTo(1_000);
        assertThat(latencies.percentileMillis(99)).isEqualTo(1_980);
        assertThat(latencies.percentileMillis(100)).isEqualTo(2_000);
        assertThat(new Latencies().percentileMillis(99)).isNaN();
    }

    @Test
    void anOpenLoopSpreadsItsRateEvenlyOverItsConnectionsWhichTakeTurns() {
        HttpLoad.Schedule schedule = new HttpLoad.Schedule(1_000, 5_000, 64);

        // Each connection every 64 / 5,000 s, the next connection 1 / 5,000 s after the previous.
        assertThat(schedule.intended(0, 0)).isEqualTo(1_000);
        assertThat(schedule.intended(1, 0)).isEqualTo(1_000 + 200_000);
        assertThat(schedule.intended(63, 0)).isEqualTo(1_000 + 63 * 200_000);
        assertThat(schedule.intended(0, 1)).isEqualTo(1_000 + 12_800_000);
        assertThat(schedule.intended(5, 1) - schedule.intended(5, 0)).isEqualTo(12_800_000);
        // Over one second, 5,000 requests are due: 78 or 79 per connection.
        long due = 0;
        for (int c = 0; c < 64; c++) {
            for (long n = 0; schedule.intended(c, n) < 1_000 + 1_000_000_000L; n++) {
                due++;
            }
        }
        assertThat(due).isEqualTo(5_000);
        // Far into a run the times stay exact, with no drift from rounding.
        assertThat(schedule.intended(7, 1_000_000)).isEqualTo(1_000 + 12_800_001_400_000L);
    }

    @Test
    void theReservationsPhaseRunsAfterNotificationsAndIsPartOfAPlainRun() {
        assertThat(
                        Options.parse(List.of("--phases", "backlog,reservations,notifications"))
                                .phases())
                .containsExactly("notifications", "reservations", "backlog");
        assertThat(Options.DEFAULT).contains("reservations");
    }

    @Test
    void theSettlementPairsRunOnlyWhenAskedFor() {
        assertThat(Options.DEFAULT).doesNotContain("settlement", "startup-options");
        assertThat(Options.parse(List.of("--phases", "settlement,reservations")).phases())
                .containsExactly("reservations", "settlement");
    }

    @Test
    void theNotificationsPhaseRunsAfterSteadyAndIsPartOfAPlainRun() {
        assertThat(Options.parse(List.of("--phases", "backlog,notifications,steady")).phases())
                .containsExactly("steady", "notifications", "backlog");
        assertThat(Options.DEFAULT).contains("notifications");
        assertThat(Options.parse(List.of("--jfr")).jfr()).isTrue();
        assertThat(Options.parse(List.of()).jfr()).isFalse();
    }

    @Test
    void arrivalsTellWhatNeverCameWhatCameTwiceAndWhenTheLastFirstOneCame() {
        Arrivals arrivals = new Arrivals();
        arrivals.record("a", 10);
        arrivals.record("b", 30);
        arrivals.record("b", 20);
        arrivals.record("elsewhere", 99);

        Arrivals.Tally tally = arrivals.tally(List.of("a", "b", "c"));

        assertThat(tally).isEqualTo(new Arrivals.Tally(3, 2, 1, 1, 20));
        assertThat(tally.complete()).isFalse();
        assertThat(arrivals.get("b")).isEqualTo(new Arrivals.Arrival(2, 20, 30));
        assertThat(arrivals.tally(List.of("a")).complete()).isTrue();
        assertThat(arrivals.tally(List.of("c")).lastNanos()).isEqualTo(Long.MIN_VALUE);
        assertThat(Notifications.wrong(tally, arrivals.tally(List.of("a", "b", "c")))).isEqualTo(4);
    }

    @Test
    void theWebhookReceiverChecksSignaturesAsTheStandardWebhooksSpecificationDoes() {
        // The specification's own example.
        byte[] key = WebhookSink.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        String body = "{\"test\": 2432232314}";

        assertThat(WebhookSink.sign(key, id, "1614265330", body))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(
                        WebhookSink.verifies(
                                key,
                                id,
                                "1614265330",
                                body,
                                "v1,bm90IHRoaXMgb25l v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="))
                .isTrue();
        assertThat(
                        WebhookSink.verifies(
                                WebhookSink.key(Stack.NOTIFY_WEBHOOK_SECRET),
                                id,
                                "1614265330",
                                body,
                                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="))
                .isFalse();
        assertThat(
                        WebhookSink.verifies(
                                key,
                                id,
                                "1614265331",
                                body,
                                WebhookSink.sign(key, id, "1614265330", body)))
                .isFalse();
        assertThat(WebhookSink.verifies(key, id, "1614265330", body, null)).isFalse();
    }

    @Test
    void aWebhookIsCountedUnderTheUserItsBodyNames() {
        assertThat(
                        WebhookSink.userId(
                                "{\"type\":\"usage.threshold_crossed\",\"data\":{\"notification_id\":\"n1\",\"user_id\":\"bnot1_b_7\",\"threshold_percent\":70}}"))
                .isEqualTo("bnot1_b_7");
        assertThat(WebhookSink.userId("{\"type\":\"ping\"}")).isNull();
    }

    @Test
    void aContactIsPutWithTheServiceTokenAndAnAddressPerUser() {
        String request =
                new String(Notifications.contactRequest("bnot1b_42"), StandardCharsets.UTF_8);

        assertThat(request)
                .startsWith("PUT /api/notifications/contacts/bnot1b_42 HTTP/1.1\r\n")
                .contains("Authorization: Bearer " + Stack.METERING_TOKEN + "\r\n")
                .endsWith("\r\n\r\n{\"email\":\"bnot1b_42@bench.test\",\"locale\":\"fr\"}");
        int length = "{\"email\":\"bnot1b_42@bench.test\",\"locale\":\"fr\"}".length();
        assertThat(request).contains("Content-Length: " + length + "\r\n");
    }

    @Test
    void aCrossingIsSeventyPercentOfProsLimitInThePeriodOfTheMonthItHappens() {
        var crossing = Notifications.crossing("u1", Instant.parse("2026-12-17T08:30:00.123456Z"));

        assertThat(crossing.getUserId()).isEqualTo("u1");
        assertThat(crossing.getThresholdPercent()).isEqualTo(70);
        assertThat(crossing.getTokensUsed()).isEqualTo(4_200_000);
        assertThat(crossing.getLimit()).isEqualTo(6_000_000);
        assertThat(crossing.getPeriodStart()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(crossing.getCrossedAt()).isEqualTo(Instant.parse("2026-12-17T08:30:00.123Z"));
    }

    @Test
    void aProcessCpuTimeIsItsUserPlusSystemTicksEvenWithSpacesInItsName() {
        // Fields 14 and 15 of /proc/<pid>/stat; the name in parentheses may hold spaces and ')'.
        String stat =
                "4242 (java (C2) x) S 1 4242 4242 0 -1 4194560 81093 0 12 0 1234 567 0 0 20 0 61 0"
                        + " 1988 3087736832 128013 18446744073709551615 1 1 0 0 0 0 0 4096 16796879";

        assertThat(CpuTime.ticks(stat)).isEqualTo(1234 + 567);
    }

    @Test
    void theMachineIsBusyExceptWhenIdleOrWaitingForDisk() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        long[] ticks = CpuTime.machineTicks("cpu  100 20 30 400 50 6 7 8 9 10");

        assertThat(ticks[0]).isEqualTo(100 + 20 + 30 + 6 + 7 + 8);
        assertThat(ticks[1]).isEqualTo(100 + 20 + 30 + 400 + 50 + 6 + 7 + 8);
    }

    @Test
    void coresUsedAreTicksPerSecondOfWallTimeLargestFirstAndARestartedProcessCountsFromZero() {
        CpuTime before = cpuTime(0, Map.of(1L, 0L), Map.of(2L, 500L));
        // b was restarted as process 3, which used 150 ticks since.
        CpuTime after = cpuTime(2_000_000_000L, Map.of(1L, 50L), Map.of(3L, 150L));

        assertThat(after.coresOfSystemSince(before)).isEqualTo(1.0);
        assertThat(after.coresSince(before)).startsWith("b 0.75, a 0.25; machine");
    }

    @Test
    void aProcessStoppedDuringAPhaseCountsWhatItUsedUntilItStopped() {
        CpuTime before = cpuTime(0, Map.of(1L, 0L), Map.of(2L, 500L));
        // b's process 2 used 100 more ticks, was stopped, and its successor 3 used 100.
        Map<String, Map<Long, Long>> ticks =
                CpuTime.withStopped(
                        Map.of("a", Map.of(1L, 0L), "b", Map.of(3L, 100L)),
                        Map.of("b", Map.of(2L, 600L)));
        CpuTime after = new CpuTime(2_000_000_000L, new LinkedHashMap<>(ticks), 0, 0);

        assertThat(after.coresOfSystemSince(before)).isEqualTo(1.0);
        assertThat(after.coresSince(before)).startsWith("b 1.00, a 0.00; machine");
    }

    /** Parts "a" and "b", each its processes' ticks by pid, taken at {@code nanos}. */
    private static CpuTime cpuTime(long nanos, Map<Long, Long> a, Map<Long, Long> b) {
        return new CpuTime(nanos, new LinkedHashMap<>(Map.of("a", a, "b", b)), 0, 0);
    }
}
