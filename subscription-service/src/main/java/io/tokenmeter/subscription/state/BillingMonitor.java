package io.tokenmeter.subscription.state;

/** Things operations must hear about. */
public interface BillingMonitor {

    /** A subscription event carried a price that maps to no tier; the tier was left unchanged. */
    void unknownPrice(StripeFact fact, String priceId);
}
