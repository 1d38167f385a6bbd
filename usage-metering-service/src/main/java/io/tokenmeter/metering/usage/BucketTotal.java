package io.tokenmeter.metering.usage;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.Optional;

/**
 * A user's tokens in one bucket: a paid billing period (keyed by its start) or, when {@code
 * periodStart} is empty, the lifetime FREE allowance.
 *
 * @param tokens the total now
 * @param previousTokens the total before the change that produced this value (0 when it was
 *     recomputed from scratch), so that only thresholds crossed by the change are looked at
 */
public record BucketTotal(
        String userId,
        Optional<Instant> periodStart,
        Tier tier,
        long tokens,
        long previousTokens) {}
