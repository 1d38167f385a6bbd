package io.tokenmeter.subscription.state.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmeter.schemas.Tier;
import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.FactKey;
import io.tokenmeter.subscription.state.FactKind;
import io.tokenmeter.subscription.state.UserSubscription;
import io.tokenmeter.subscription.state.UserSubscriptions;
import io.tokenmeter.testsupport.IntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stored subscriptions on the real database, as the consumer's threads use them: every field
 * kept, versions that grow, and two transactions changing one user taking turns.
 */
@IntegrationTest
class JdbcUserSubscriptionsIntegrationTests {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @Autowired UserSubscriptions subscriptions;
    @Autowired TransactionTemplate transactions;

    @Test
    void storesEveryFieldAndEachChangeGetsAGreaterVersion() {
        String user = "u_" + UUID.randomUUID();
        UserSubscription first = pro(user, "active");
        UserSubscription second = pro(user, "past_due");

        long v1 = transactions.execute(status -> subscriptions.save(first, T0));
        long v2 = transactions.execute(status -> subscriptions.save(second, T0.plusSeconds(1)));

        assertThat(v2).isGreaterThan(v1);
        assertThat(subscriptions.find(user)).contains(second);
        assertThat(subscriptions.findForChange(user)).contains(second);
        assertThat(subscriptions.find("u_nobody_" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void aSecondChangeOfTheSameUserWaitsForTheFirstAndReadsItsResult() throws Exception {
        String user = "u_" + UUID.randomUUID();
        transactions.executeWithoutResult(status -> subscriptions.save(pro(user, "active"), T0));
        CountDownLatch firstHolds = new CountDownLatch(1);
        CountDownLatch firstMayCommit = new CountDownLatch(1);
        CompletableFuture<Void> first =
                CompletableFuture.runAsync(
                        () ->
                                transactions.executeWithoutResult(
                                        status -> {
                                            subscriptions.findForChange(user).orElseThrow();
                                            subscriptions.save(pro(user, "past_due"), T0);
                                            firstHolds.countDown();
                                            await(firstMayCommit);
                                        }));
        assertThat(firstHolds.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Optional<UserSubscription>> second =
                CompletableFuture.supplyAsync(
                        () -> transactions.execute(status -> subscriptions.findForChange(user)));
        assertThatThrownBy(() -> second.get(500, TimeUnit.MILLISECONDS))
                .as("the second change read the user before the first had committed")
                .isInstanceOf(TimeoutException.class);

        firstMayCommit.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(second.get(10, TimeUnit.SECONDS).orElseThrow().status()).isEqualTo("past_due");
    }

    @Test
    void twoTransactionsCreatingOneUserCannotBothWin() throws Exception {
        String user = "u_" + UUID.randomUUID();
        CountDownLatch firstCreated = new CountDownLatch(1);
        CountDownLatch firstMayCommit = new CountDownLatch(1);
        CompletableFuture<Long> first =
                CompletableFuture.supplyAsync(
                        () ->
                                transactions.execute(
                                        status -> {
                                            long version =
                                                    subscriptions.save(pro(user, "active"), T0);
                                            firstCreated.countDown();
                                            await(firstMayCommit);
                                            return version;
                                        }));
        assertThat(firstCreated.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Long> second =
                CompletableFuture.supplyAsync(
                        () ->
                                transactions.execute(
                                        status -> subscriptions.save(pro(user, "trialing"), T0)));
        Thread.sleep(300);
        firstMayCommit.countDown();

        first.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(OptimisticLockingFailureException.class);
        assertThat(subscriptions.find(user).orElseThrow().status()).isEqualTo("active");
    }

    private static UserSubscription pro(String user, String status) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new UserSubscription(
                user,
                Tier.PRO,
                status,
                "cus_" + user,
                "sub_" + user,
                new BillingPeriod(T0, T0.plus(30, ChronoUnit.DAYS)),
                "past_due".equals(status),
                now,
                new FactKey(now, FactKind.SUBSCRIPTION_UPDATED, "evt_" + user));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
