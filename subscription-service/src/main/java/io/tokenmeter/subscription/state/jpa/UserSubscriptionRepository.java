package io.tokenmeter.subscription.state.jpa;

import org.springframework.data.jpa.repository.JpaRepository;

interface UserSubscriptionRepository extends JpaRepository<UserSubscriptionEntity, String> {}
