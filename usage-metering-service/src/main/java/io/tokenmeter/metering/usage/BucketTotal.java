package io.tokenmeter.metering.usage;

import java.time.Instant;
import java.util.Optional;

/**
 * A user's tokens in one bucket: a paid billing period (keyed by its start) or, when {@code
 * periodStart} is empty, the lifetime FREE allowance.
 */
public record BucketTotal(String userId, Optional<Instant> periodStart, Tier tier, long tokens) {}
