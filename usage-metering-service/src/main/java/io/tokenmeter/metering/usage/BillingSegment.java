package io.tokenmeter.metering.usage;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;

/**
 * A stretch of time {@code [start, end)} in which a user's usage counts in the paid billing period
 * that began at {@code periodStart}. A user's segments never overlap; time outside them is FREE.
 */
public record BillingSegment(Instant start, Instant end, Instant periodStart, Tier tier) {}
