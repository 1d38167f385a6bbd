package io.tokenmeter.dashboard.sessions.kafka;

import io.tokenmeter.dashboard.sessions.PricedSession;
import io.tokenmeter.dashboard.sessions.SessionHistory;
import io.tokenmeter.events.CostBreakdown;
import io.tokenmeter.events.PhaseCost;
import io.tokenmeter.events.SessionCost;
import io.tokenmeter.platform.kafka.Batches;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** {@code billing.session-cost.v1} → the session history. */
@Component
class SessionCostConsumer {

    private final SessionHistory history;

    SessionCostConsumer(SessionHistory history) {
        this.history = history;
    }

    @KafkaListener(
            id = "dashboard-session-cost",
            topics = "#{T(io.tokenmeter.schemas.Topics).SESSION_COST.name()}",
            idIsGroup = false,
            batch = "true")
    void on(List<ConsumerRecord<String, Object>> records) {
        Batches.apply(
                records, SessionCost.class, SessionCostConsumer::session, history::sessionsPriced);
    }

    static PricedSession session(SessionCost cost) {
        CostBreakdown breakdown = cost.getCostBreakdown();
        return new PricedSession(
                cost.getSessionId(),
                cost.getUserId(),
                cost.getCompletedAt(),
                cost.getTotalTokens(),
                cost.getPhases().stream().map(SessionCostConsumer::phase).toList(),
                new PricedSession.Costs(
                        breakdown.getPromptCostUsd(),
                        breakdown.getCompletionCostUsd(),
                        breakdown.getCachedCostUsd(),
                        breakdown.getTotalCostUsd(),
                        breakdown.getCachedSavingsUsd()));
    }

    private static PricedSession.Phase phase(PhaseCost phase) {
        return new PricedSession.Phase(
                phase.getPhase(),
                phase.getModel(),
                phase.getPromptTokens(),
                phase.getCachedTokens(),
                phase.getCompletionTokens(),
                phase.getCostUsd());
    }
}
