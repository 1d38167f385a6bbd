package io.tokenmeter.metering.usage;

import io.tokenmeter.metering.pricing.Charges;
import io.tokenmeter.metering.pricing.PhaseCharge;
import java.util.List;

/** A counted session with what each phase cost; {@code phaseCharges} align with its phases. */
public record PricedSession(SessionUsage usage, List<PhaseCharge> phaseCharges, Charges charges) {}
