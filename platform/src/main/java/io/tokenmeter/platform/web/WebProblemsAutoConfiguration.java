package io.tokenmeter.platform.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessException;

/** The HTTP problems every tokenmeter web service answers the same way. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DataAccessException.class)
public class WebProblemsAutoConfiguration {

    @Bean
    DatabaseUnavailableProblems databaseUnavailableProblems() {
        return new DatabaseUnavailableProblems();
    }
}
